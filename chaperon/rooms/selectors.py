"""What each person sees of a room, and the room's log for those who oversee the session."""

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.people.models import GuardianRelationship, User
from chaperon.people.permissions import require
from chaperon.people.roles import Permission
from chaperon.sessions.invitations import join_token
from chaperon.sessions.models import Invitation, Session, SessionKind
from chaperon.sessions.permissions import access_session
from chaperon.sessions.services import live

from .log_words import LogLine, log_lines
from .models import Participant, Presence, RecordingComfort, RecordingState, Room, RoomEvent
from .screening import CATEGORIES, CATEGORY_WORDS
from .services import in_call, sfu
from .services.comfort import answers_for, in_the_room
from .services.extensions import extension_view
from .services.holding import CHAT_KINDS
from .turn import ice_servers_for


def report_url(participant: Participant) -> str:
    """Where "leave and report" goes: learners and guardians to the report form of their
    invitation, staff to a new concern about the session (ROOM-8)."""
    return report_url_for(participant.invitation, participant.room_id)


def report_url_for(invitation: Invitation | None, session_id: int) -> str:
    try:
        if invitation is not None:
            return reverse("report:from_invitation", args=[join_token(invitation)])
        return reverse("concerns:new") + f"?session={session_id}"
    except NoReverseMatch:
        return reverse("rooms:left", args=[session_id])


def _linked(participants: list[Participant]) -> dict[int, str]:
    """Who each learner or guardian is linked to, for the host checking who they are."""
    learners = {
        p.invitation.person_id: p for p in participants if p.role == "learner" and p.invitation
    }
    guardians = {
        p.invitation.person_id: p for p in participants if p.role == "guardian" and p.invitation
    }
    links = GuardianRelationship.objects.filter(guardian_id__in=guardians).select_related(
        "learner", "guardian"
    ) | GuardianRelationship.objects.filter(learner_id__in=learners).select_related(
        "learner", "guardian"
    )
    found: dict[int, list[str]] = {}
    for link in links:
        relation = link.get_relationship_display().lower()
        if link.guardian_id in guardians:
            found.setdefault(guardians[link.guardian_id].pk, []).append(
                f"{relation} of {link.learner.full_name}"
            )
        if link.learner_id in learners:
            found.setdefault(learners[link.learner_id].pk, []).append(
                f"{link.guardian.full_name} ({relation})"
            )
    return {key: "; ".join(sorted(set(value))) for key, value in found.items()}


def _person(p: Participant, linked: dict[int, str], *, host_view: bool) -> dict[str, Any]:
    person: dict[str, Any] = {
        "id": p.pk,
        "name": p.display_name,
        "role": p.role,
        "role_label": p.get_role_display(),
        "host": p.is_host,
        "presence": p.presence,
        "connected": p.connected,
        "agreed": p.agreed_at is not None,
        "in_call": in_call(p),
        "epoch": p.epoch,
    }
    if host_view:
        person["linked_to"] = linked.get(p.pk, "")
        person["gap"] = p.gap_since is not None
        person["second_device"] = p.second_device
    return person


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def room_view(*, participant_id: int) -> dict[str, Any]:
    """The whole state one person's page shows, scoped to them: someone waiting sees only
    that they wait; the host also sees who is waiting and who they are."""
    me = Participant.objects.select_related("room__session__organisation", "invitation").get(
        pk=participant_id
    )
    room: Room = me.room
    session: Session = room.session
    view: dict[str, Any] = {
        "type": "state",
        "server_time": timezone.now().isoformat(),
        "me": {
            "id": me.pk,
            "name": me.display_name,
            "role": me.role,
            "host": me.is_host,
            "presence": me.presence,
            "agreed": me.agreed_at is not None,
            "in_call": in_call(me),
            "epoch": me.epoch,
            "second_device": me.second_device,
            "report_url": report_url(me),
            "publishes": sfu.publishes(me, session),
        },
        "session": {
            "id": session.pk,
            "title": session.title,
            "kind": session.kind,
            "group": session.kind != SessionKind.ONE_TO_ONE,
            "duration_minutes": session.duration_minutes,
            "recording_enabled": session.recording_enabled,
            "named_adult": session.named_adult,
            "needs_named_adult": live.needs_named_adult(session),
        },
        "room": {
            "locked": room.locked,
            "started_at": _iso(room.started_at),
            "ends_at": _iso(room.ends_at),
            "warned": room.warned_at is not None,
            "ended": room.ended_at is not None,
            "end_reason": room.end_reason,
            "recording": room.recording_state,
            "recording_paused_for": room.recording_paused_for if me.is_host else "",
            "media": room.media,
            "spotlight": room.spotlight_id,
            "learners_see_each_other": room.learners_see_each_other,
        },
        # TURN credentials only once admitted (below): someone waiting has no call to relay.
        "ice_servers": settings.ROOM_ICE_SERVERS,
        "ice_transport_policy": settings.ROOM_ICE_TRANSPORT_POLICY,
        "ice_only_address": settings.ROOM_ICE_ONLY_ADDRESS,
        "people": [],
        "waiting": [],
    }
    if me.presence != Presence.ADMITTED:
        return view
    view["ice_servers"] = ice_servers_for(opaque_id=f"p{me.pk}", now=time.time())
    if session.recording_enabled:
        _comfort_view(view, room, me)
    # A webinar's viewers see the presenters, not the hundreds of other viewers: their view
    # reads only those rows, so that it costs the same whatever the audience.
    people = room.participants.select_related("invitation")
    if not sfu.publishes(me, session):  # a webinar's viewer
        people = people.filter(Q(role=Invitation.Role.STAFF) | Q(pk=me.pk))
    everyone = list(people)
    linked = _linked(everyone) if me.is_host else {}
    view["people"] = [
        _person(p, linked, host_view=me.is_host)
        for p in everyone
        if p.presence == Presence.ADMITTED and p.connected
    ]
    if me.is_host:
        view["waiting"] = [
            _person(p, linked, host_view=True)
            for p in everyone
            if p.presence == Presence.WAITING and p.connected
        ]
        view["all_arrived"] = all_arrived(room, everyone)
        view["room"]["extension"] = extension_view(room)
        view["room"]["recording_gaps"] = [
            p.display_name
            for p in everyone
            if p.gap_since is not None and room.recording_state == RecordingState.ON
        ]
    return view


@dataclass(frozen=True)
class Receiving:
    """What one person receives on the SFU: whose media (None: everyone in the call), and
    whose as a thumbnail (the lowest simulcast layer)."""

    visible: set[int] | None
    thumbnails: set[int]


def sfu_receiving(*, participant_id: int) -> Receiving:
    """The class layout (``services.sfu.visible_to``) for this person: staff see learners'
    cameras as thumbnails; learners see the staff and the spotlight at full size."""
    me = Participant.objects.select_related("room").get(pk=participant_id)
    in_call = Participant.objects.filter(
        room=me.room_id, presence=Presence.ADMITTED, connected=True
    )
    if me.role != Invitation.Role.STAFF and not me.room.learners_see_each_other:
        # Only the staff's rows matter (the spotlight goes by its id), however many watch.
        in_call = in_call.filter(role=Invitation.Role.STAFF)
    everyone = list(in_call)
    thumbnails = (
        {p.pk for p in everyone if p.role != Invitation.Role.STAFF}
        if me.role == Invitation.Role.STAFF
        else set()
    )
    return Receiving(sfu.visible_to(me, me.room, everyone), thumbnails)


def _comfort_view(view: dict[str, Any], room: Room, me: Participant) -> None:
    """REC-6: whose comfort with being recorded this device answers for, and the host's
    questions waiting for its answer; the host sees each learner's answer and may ask. A
    learner's device reads only their own (a learner answers for themself alone)."""
    present = [] if me.role == Invitation.Role.LEARNER else in_the_room(room)
    mine = answers_for(me, present=present)
    theirs = (
        room.session.learners.all() if me.is_host else room.session.learners.filter(pk__in=mine)
    )
    learners = {learner.pk: learner for learner in theirs}
    comfort = room.comfort.select_related("answered_by")
    if not me.is_host:
        comfort = comfort.filter(learner_id__in=mine)
    answers = {answer.learner_id: answer for answer in comfort}
    view["me"]["answers_for"] = [{"id": pk, "name": learners[pk].full_name} for pk in mine]
    view["me"]["comfort_questions"] = [
        {"learner": pk, "name": learners[pk].full_name}
        for pk in mine
        if pk in answers and answers[pk].asked_at is not None and answers[pk].comfortable is None
    ]
    if not me.is_host:
        return
    answerable = {pk for p in present for pk in answers_for(p, present=present)}
    view["comfort"] = [
        _comfort_line(pk, learner.full_name, answers.get(pk), in_room=pk in answerable)
        for pk, learner in learners.items()
    ]


def _comfort_line(
    pk: int, name: str, answer: RecordingComfort | None, *, in_room: bool
) -> dict[str, Any]:
    by = answer.answered_by if answer is not None else None
    return {
        "learner": pk,
        "name": name,
        "answer": answer.comfortable if answer is not None else None,
        "asked": answer is not None and answer.comfortable is None,
        "answered_by": by.display_name if by is not None else "",
        "in_room": in_room,
    }


def all_arrived(room: Room, everyone: list[Participant]) -> bool:
    """Everyone expected is in (ROOM-6): the staff, each learner with a link of their own, and
    for a learner without one (no email address: they join on a parent's or carer's link) one
    of their parents or carers. Parents only invited to drop in are not waited for. Then the
    host is asked to lock the room."""
    admitted = [p for p in everyone if p.presence == Presence.ADMITTED]
    present_invitations = {p.invitation_id for p in admitted}
    present_users = {p.user_id for p in admitted}
    invitations = list(Invitation.objects.filter(session=room.session))
    for invitation in invitations:
        if invitation.role == Invitation.Role.STAFF:
            if invitation.person_id not in present_users:
                return False
        elif (
            invitation.role == Invitation.Role.LEARNER and invitation.pk not in present_invitations
        ):
            return False
    with_own_link = {i.person_id for i in invitations if i.role == Invitation.Role.LEARNER}
    guardians_in = {
        i.person_id
        for i in invitations
        if i.role == Invitation.Role.GUARDIAN and i.pk in present_invitations
    }
    on_a_guardians_link = set(room.session.learners.values_list("pk", flat=True)) - with_own_link
    if on_a_guardians_link:
        brought = GuardianRelationship.objects.filter(
            learner_id__in=on_a_guardians_link, guardian_id__in=guardians_in
        ).values_list("learner_id", flat=True)
        if not on_a_guardians_link <= set(brought):
            return False
    return bool(present_invitations | present_users)


@dataclass(frozen=True)
class RoomLog:
    session: Session
    room: Room | None
    lines: list[LogLine]


def room_log_for(viewer: User, session_id: int) -> RoomLog:
    """The room's events and chat, for the session's staff and those who oversee sessions
    (the DSL among them)."""
    session = access_session(viewer, session_id)
    room = Room.objects.filter(pk=session.pk).first()
    events = RoomEvent.objects.filter(room_id=session.pk).select_related("participant", "by")
    record(action=AuditAction.ROOM_LOG_VIEWED, actor=viewer, obj=session)
    return RoomLog(session=session, room=room, lines=log_lines(events))


@dataclass(frozen=True)
class ScreeningCounts:
    """The chat screening's figures for the monitoring report (ORG-5): how many messages were
    screened and held since ``since``, and per category how many were found at each grade
    (2 to 5). Counts only: nobody is named."""

    since: datetime
    screened: int
    held: int
    by_category: list[tuple[str, list[int]]]


SCREENING_GRADES = (2, 3, 4, 5)


def chat_screening_counts(viewer: User, *, since: datetime) -> ScreeningCounts:
    require(viewer, Permission.READ_FILTERING_REPORTS)
    messages = RoomEvent.objects.filter(
        kind__in=CHAT_KINDS,
        room__session__organisation_id=viewer.organisation_id,
        at__gte=since,
    )
    counts = {category: [0] * len(SCREENING_GRADES) for category in CATEGORIES}
    for data in messages.filter(data__screening__grade__gte=2).values_list("data", flat=True):
        for hit in data["screening"].get("categories", []):
            if hit.get("category") in counts and hit.get("grade") in SCREENING_GRADES:
                counts[hit["category"]][SCREENING_GRADES.index(hit["grade"])] += 1
    return ScreeningCounts(
        since=since,
        screened=messages.filter(data__has_key="screening").count(),
        held=messages.filter(kind="chat_held").count(),
        by_category=[(CATEGORY_WORDS[category], counts[category]) for category in CATEGORIES],
    )

"""Recording a live session (REC-4, REC-6, REC-10) into the vault.

Each browser records its own camera and microphone and sends short WebM chunks over its
connection; the server appends them to that person's track. Recording starts only when every
person present may be recorded, pauses when someone who may not comes in, and a stream that
stops arriving is a gap, shown to the host and kept with the track.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from chaperon.audit.actions import AuditAction
from chaperon.consent.selectors import session_consent_facts, staff_recording_consent
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.pure.consent import ConsentStatus
from chaperon.core.service_log import logged
from chaperon.people.models import GuardianRelationship, StaffMember, User
from chaperon.recordings import services as vault_services
from chaperon.recordings.models import Recording
from chaperon.sessions.models import Invitation, Session

from .. import broadcast
from ..models import Participant, Presence, RecordingState, Room
from . import comfort
from .common import audit, event, host_of, in_call, locked_room, refused_once


class Vault(Protocol):
    """What the recorder asks of the vault: the recordings app's services (``RecordingsVault``).
    ``ROOM_RECORDING_VAULT`` names the class the recorder makes it from."""

    def Appearance(
        self, *, label: str, learner_id: int | None, guardian_id: int | None, user_id: int | None
    ) -> Any: ...

    def recording(self, recording_id: int) -> Any: ...

    def recording_begin(
        self, *, actor: User, session: Session, purpose: str, appearances: list[Any]
    ) -> Any: ...

    def recording_add_appearance(self, *, recording: Any, appearance: Any) -> None: ...

    def track_open(self, *, recording: Any, label: str, started_at: datetime) -> Any: ...

    def track_gap(self, *, track_id: int, started_at: datetime, ended_at: datetime) -> None: ...

    def recording_finish(self, *, recording: Any) -> None: ...


class RecordingsVault:
    """The vault recordings are written to: the recordings app's services."""

    Appearance = vault_services.Appearance
    recording_begin = staticmethod(vault_services.recording_begin)
    recording_add_appearance = staticmethod(vault_services.recording_add_appearance)
    track_open = staticmethod(vault_services.track_open)
    track_gap = staticmethod(vault_services.track_gap)
    recording_finish = staticmethod(vault_services.recording_finish)

    def recording(self, recording_id: int) -> Recording:
        return Recording.objects.get(pk=recording_id)


def recording_vault() -> Vault:
    """The vault named by ``ROOM_RECORDING_VAULT`` (the tests name a fake)."""
    factory: Callable[[], Vault] = import_string(settings.ROOM_RECORDING_VAULT)
    return factory()


def _present(room: Room) -> list[Participant]:
    return list(
        Participant.objects.filter(room=room, presence=Presence.ADMITTED, connected=True)
        .select_related("invitation", "user")
        .order_by("id")
    )


def _learner_recording(room: Room, learner_ids: list[int]) -> dict[int, ConsentStatus]:
    session = room.session
    on = session.start.astimezone(session.organisation.zone).date()
    facts = session_consent_facts(learner_ids=learner_ids, kind=session.kind, on=on)
    return {learner_id: facts[learner_id].recording for learner_id in facts}


@logged
def why_not_recordable(room: Room, people: list[Participant]) -> list[str]:
    """Why each of ``people`` may not be recorded: staff need their own (and any employer's)
    consent; a learner their consent and to have said they are comfortable (REC-6); a parent
    or carer the consent they gave for their child, and the comfort of a child who joined on
    their device."""
    problems: list[str] = []
    users = [p.user for p in people if p.user is not None]
    members = {m.user_id: m.pk for m in StaffMember.objects.filter(user__in=users)}
    staff_ok = staff_recording_consent(staff_ids=list(members.values()))
    learners = {learner.pk: learner for learner in room.session.learners.all()}
    consent = _learner_recording(room, list(learners))
    answers = comfort.comfort_answers(room)
    present = comfort.in_the_room(room)
    for person in people:
        person_id = person.invitation.person_id if person.invitation else None
        if person.user is not None:
            if not staff_ok.get(members.get(person.user.pk, -1)):
                problems.append(f"{person.display_name} has not consented to being recorded.")
        elif person.role == Invitation.Role.LEARNER and person_id is not None:
            if consent.get(person_id) != ConsentStatus.GIVEN:
                problems.append(f"{person.display_name} has no written consent to recording.")
            else:
                problems += _comfort_problem(person.display_name, answers.get(person_id))
        elif person.role == Invitation.Role.GUARDIAN and person_id is not None:
            children = GuardianRelationship.objects.filter(
                guardian_id=person_id, learner_id__in=learners
            ).values_list("learner_id", flat=True)
            if not children or any(consent.get(child) != ConsentStatus.GIVEN for child in children):
                problems.append(f"{person.display_name} has not consented to recording.")
            for child in comfort.answers_for(person, present=present):
                problems += _comfort_problem(learners[child].full_name, answers.get(child))
    return list(dict.fromkeys(problems))  # two parents of one child: said once


def _comfort_problem(name: str, answer: bool | None) -> list[str]:
    if answer is True:
        return []
    if answer is False:
        return [f"{name} is not comfortable being recorded."]
    return [
        f"{name} has not said whether they are comfortable being recorded: use “Ask {name} "
        "if they are comfortable being recorded”."
    ]


def _appearance(person: Participant, vault: Vault) -> Any:
    person_id = person.invitation.person_id if person.invitation else None
    return vault.Appearance(
        label=track_label(person),
        learner_id=person_id if person.role == Invitation.Role.LEARNER else None,
        guardian_id=person_id if person.role == Invitation.Role.GUARDIAN else None,
        user_id=person.user_id,
    )


def track_label(person: Participant) -> str:
    """The name a track goes by on the recording's page: who it is, and which device when the
    host let the same link in on a second one."""
    label = f"{person.display_name} ({person.get_role_display()})"
    if person.invitation_id is not None:
        earlier = Participant.objects.filter(
            room_id=person.room_id, invitation_id=person.invitation_id, pk__lt=person.pk
        ).count()
        if earlier:
            label += f", device {earlier + 1}"
    return label


@logged
def recording_start(*, actor: User, session_id: int) -> Room:
    """Start (or resume) recording; refused, recorded, unless everyone present may be
    recorded and the session was booked to be recorded."""
    with transaction.atomic():
        room, host = host_of(session_id, actor)
        if room.started_at is None:
            raise ValidationFailed({"recording": "start the session first"})
        if room.recording_state == RecordingState.ON:
            return room
        people = _present(room)
        problems = (
            why_not_recordable(room, people)
            if room.session.recording_enabled
            else ["This session was not booked to be recorded."]
        )
        if problems:
            refused_once(
                room,
                host,
                "recording_refused",
                AuditAction.ROOM_RECORDING_REFUSED,
                problems=problems,
            )
        else:
            _begin(room, host, actor, people)
    if problems:
        raise ValidationFailed({"recording": " ".join(problems)})
    return room


def _begin(room: Room, host: Participant, actor: User, people: list[Participant]) -> None:
    if room.recording_id is None:
        vault = recording_vault()
        recording = vault.recording_begin(
            actor=actor,
            session=room.session,
            purpose=room.session.recording_purpose,
            appearances=[_appearance(person, vault) for person in people],
        )
        room.recording_id = recording.pk
    room.recording_state = RecordingState.ON
    room.recording_paused_for = ""
    room.save(update_fields=["recording_id", "recording_state", "recording_paused_for"])
    now = timezone.now()
    Participant.objects.filter(room=room).update(last_chunk_at=now, gap_since=None)
    event(room, "recording_started", by=host)
    audit(AuditAction.ROOM_RECORDING_STARTED, room, host, data={"recording": room.recording_id})
    broadcast.room_changed(room.pk)


@logged
def recording_stop(*, actor: User, session_id: int) -> Room:
    with transaction.atomic():
        room, host = host_of(session_id, actor)
        stop(room, by=host)
    return room


def stop(room: Room, *, by: Participant | None) -> None:
    """Stop recording; the vault's recording is finished once every track has closed."""
    if room.recording_state == RecordingState.OFF:
        return
    room.recording_state = RecordingState.OFF
    room.save(update_fields=["recording_state"])
    event(room, "recording_stopped", by=by)
    audit(AuditAction.ROOM_RECORDING_STOPPED, room, by, data={"recording": room.recording_id})
    broadcast.room_changed(room.pk)
    finish_after_commit(room)


def finish_after_commit(room: Room) -> None:
    transaction.on_commit(lambda: finish_if_done(session_id=room.pk))


def pause_unless_consented(room: Room, person: Participant) -> None:
    """Someone comes in while recording: a new appearance if they may be recorded, else the
    recording pauses until they leave and the host resumes it."""
    if room.recording_state != RecordingState.ON:
        return
    if why_not_recordable(room, [person]):
        room.recording_state = RecordingState.PAUSED
        room.recording_paused_for = person.display_name
        room.save(update_fields=["recording_state", "recording_paused_for"])
        event(room, "recording_paused", participant=person)
        audit(AuditAction.ROOM_RECORDING_PAUSED, room, None, data={"participant": person.pk})
        broadcast.room_changed(room.pk)  # everyone's page shows the recording paused
    elif room.recording_id is not None:
        vault = recording_vault()
        vault.recording_add_appearance(
            recording=vault.recording(room.recording_id), appearance=_appearance(person, vault)
        )


class TrackHolder:
    """The open track of one connection (its writer lives as long as the connection)."""

    def __init__(self) -> None:
        self.writer: Any = None
        self.participant_id: int | None = None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None
            mine = Participant.objects.filter(pk=self.participant_id or 0)
            mine.update(track_id=None)
            for session_id in mine.values_list("room_id", flat=True):
                finish_if_done(session_id=session_id)


@logged
def recording_chunk(*, participant_id: int, data: bytes, holder: TrackHolder) -> bool:
    """Append a chunk of the participant's own media to their track. False (and the track
    closed) when the room is not recording them now, or the recording has closed: a chunk
    that comes late is refused, never an error."""
    person = Participant.objects.select_related("room__session").get(pk=participant_id)
    room = person.room
    if (
        room.recording_state != RecordingState.ON
        or room.recording_id is None
        or not in_call(person)
    ):
        holder.close()
        return False
    now = timezone.now()
    try:
        if holder.writer is None:
            holder.participant_id = person.pk
            vault = recording_vault()
            holder.writer = vault.track_open(
                recording=vault.recording(room.recording_id),
                label=track_label(person),
                started_at=now,
            )
            person.track_id = holder.writer.track_id
            person.save(update_fields=["track_id"])
        holder.writer.write(data)
    except (ValidationFailed, ValueError):  # the recording or the track has closed
        holder.close()
        return False
    gap_since = person.gap_since or _late(person.last_chunk_at, now)
    if gap_since is not None and person.track_id is not None:
        _record_gap(room, person, person.track_id, gap_since, now)
    Participant.objects.filter(pk=person.pk).update(last_chunk_at=now, gap_since=None)
    return True


def _late(last: datetime | None, now: datetime) -> datetime | None:
    limit = settings.ROOM_TRACK_GAP_SECONDS
    return last if last is not None and (now - last).total_seconds() > limit else None


def _record_gap(
    room: Room, person: Participant, track_id: int, started: datetime, ended: datetime
) -> None:
    with transaction.atomic():
        recording_vault().track_gap(track_id=track_id, started_at=started, ended_at=ended)
        event(
            room,
            "track_gap",
            participant=person,
            seconds=round((ended - started).total_seconds(), 1),
        )
        audit(AuditAction.ROOM_TRACK_GAP, room, None, data={"participant": person.pk})


def notice_gaps(room: Room, *, now: datetime) -> None:
    """While recording: someone in the call whose chunks stopped coming is shown to the host
    at once (the gap is kept with the track when their chunks come back or they leave)."""
    for person in Participant.objects.filter(
        room=room, presence=Presence.ADMITTED, connected=True, gap_since__isnull=True
    ):
        since = _late(person.last_chunk_at, now)
        if since is not None and in_call(person):
            with transaction.atomic():
                marked = Participant.objects.filter(pk=person.pk, gap_since__isnull=True).update(
                    gap_since=since
                )
                if marked:
                    event(room, "track_gap_noticed", participant=person)
                    broadcast.room_changed(room.pk)


def finish_if_done(*, session_id: int) -> None:
    """Finish the vault's recording when recording has stopped and no track is open."""
    with transaction.atomic():
        room = locked_room(session_id)
        if room.recording_id is None or room.recording_state != RecordingState.OFF:
            return
        if Participant.objects.filter(room=room, track_id__isnull=False, connected=True).exists():
            return
        vault = recording_vault()
        vault.recording_finish(recording=vault.recording(room.recording_id))
        room.recording_id = None
        room.save(update_fields=["recording_id"])

"""Invitations (SES-7), notices to senior leaders (SES-6), and the other email sessions send.

Everything is queued with ``chaperon.core.email_queue.queue_email`` inside the caller's transaction
and leaves after it commits. Each invitation carries the person's own join link, the passcode,
how to join, and an iCalendar file (same UID for the session's whole life; SEQUENCE rises with
each change; a cancellation is METHOD:CANCEL).
"""

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format

from chaperon.core.email_queue import Attachment, queue_email
from chaperon.core.links import absolute_url
from chaperon.people.models import GuardianRelationship, User
from chaperon.people.roles import Permission
from chaperon.people.selectors import safeguarding_leads, staff_granted, staff_with_roles

from . import ical
from .models import (
    ExceptionStatus,
    Invitation,
    Session,
    SessionException,
    SessionKind,
    SessionStatus,
)

_JOIN_SALT = "chaperon.sessions.join"


@dataclass(frozen=True)
class Recipient:
    role: str
    person_id: int
    name: str
    email: str


def join_token(invitation: Invitation) -> str:
    mac = salted_hmac(
        _JOIN_SALT, f"{invitation.pk}:{invitation.nonce}", algorithm="sha256"
    ).hexdigest()[:32]
    return f"{invitation.pk}.{mac}"


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a join link belongs to, or None for a forged or mistyped one."""
    number, _, mac = token.partition(".")
    if not number.isdigit() or not mac:
        return None
    invitation = Invitation.objects.select_related("session").filter(pk=int(number)).first()
    if invitation is None:
        return None
    return invitation if hmac.compare_digest(join_token(invitation), token) else None


def recipients(session: Session) -> list[Recipient]:
    """Everyone invited: the staff, each learner's parents and carers (those with parental
    responsibility, or all who are linked when none has it) and learners with an address."""
    found = [
        Recipient(Invitation.Role.STAFF, user.pk, user.full_name, user.email)
        for user in session.staff.all()
    ]
    learners = list(session.learners.all())
    links = GuardianRelationship.objects.filter(learner__in=learners).select_related("guardian")
    by_learner: dict[int, list[GuardianRelationship]] = {}
    for link in links:
        by_learner.setdefault(link.learner_id, []).append(link)
    seen: set[int] = set()
    for learner in learners:
        if learner.email:
            found.append(
                Recipient(Invitation.Role.LEARNER, learner.pk, learner.full_name, learner.email)
            )
        learner_links = by_learner.get(learner.pk, [])
        chosen = [link for link in learner_links if link.parental_responsibility] or learner_links
        for link in chosen:
            guardian = link.guardian
            if guardian.email and guardian.pk not in seen:
                seen.add(guardian.pk)
                found.append(
                    Recipient(
                        Invitation.Role.GUARDIAN, guardian.pk, guardian.full_name, guardian.email
                    )
                )
    return found


def _local(session: Session) -> str:
    start = session.start.astimezone(session.organisation.zone)
    end = session.end.astimezone(session.organisation.zone)
    return f"{date_format(start, 'l j F Y')}, {start:%H:%M} to {end:%H:%M}"


def _calendar(session: Session, people: list[Recipient], link: str, *, cancelled: bool) -> bytes:
    event = ical.CalendarEvent(
        uid=session.ical_uid,
        sequence=session.ical_sequence,
        start=session.start,
        duration=timedelta(minutes=session.duration_minutes),
        summary=session.title,
        description=f"Join with your personal link: {link}\nPasscode: {session.passcode}",
        location=link,
        organizer=ical.Attendee(session.organiser.full_name, session.organiser.email),
        attendees=[ical.Attendee(person.name, person.email) for person in people],
        time_zone=session.organisation.time_zone,
    )
    return ical.calendar(event, cancelled=cancelled)


def send_invitations(session: Session, *, update: bool = False) -> int:
    """Invite everyone taking part; returns how many. With ``update`` (the session moved or
    changed), those already invited get the changed details, anyone new gets an invitation,
    and anyone no longer taking part has their invitation withdrawn (their link stops
    working) and is sent a cancellation for their calendar."""
    people = recipients(session)
    standing = {(i.role, i.person_id) for i in session.invitations.all()} if update else set()
    now = timezone.now()
    for person in people:
        invitation, _ = Invitation.every.update_or_create(
            session=session,
            role=person.role,
            person_id=person.person_id,
            defaults={"display_name": person.name, "email": person.email, "withdrawn_at": None},
        )
        _send_invitation(
            session, person, invitation, people, update=(person.role, person.person_id) in standing
        )
    if update:
        _withdraw_gone(session, people, now=now)
    return len(people)


def _withdraw_gone(session: Session, people: list[Recipient], *, now: datetime) -> int:
    """Withdraw the invitations of those no longer taking part (their link stops working) and
    send each a cancellation for their calendar."""
    taking_part = {(person.role, person.person_id) for person in people}
    gone = [
        invitation
        for invitation in session.invitations.all()
        if (invitation.role, invitation.person_id) not in taking_part
    ]
    for invitation in gone:
        invitation.withdrawn_at = now
        invitation.save(update_fields=["withdrawn_at", "updated_at"])
    _send_cancellations(session, gone, purpose="session_invitation_withdrawn")
    return len(gone)


def invite_newcomers(session: Session) -> int:
    """Invite those taking part who hold no invitation yet (a learner who joined the session's
    class, and their parents and carers), and withdraw the invitations of those no longer
    taking part; nobody else is sent anything. Returns how many were invited."""
    people = recipients(session)
    standing = {(i.role, i.person_id) for i in session.invitations.all()}
    newcomers = [person for person in people if (person.role, person.person_id) not in standing]
    for person in newcomers:
        invitation, _ = Invitation.every.update_or_create(
            session=session,
            role=person.role,
            person_id=person.person_id,
            defaults={"display_name": person.name, "email": person.email, "withdrawn_at": None},
        )
        _send_invitation(session, person, invitation, people, update=False)
    _withdraw_gone(session, people, now=timezone.now())
    return len(newcomers)


def _send_invitation(
    session: Session,
    person: Recipient,
    invitation: Invitation,
    people: list[Recipient],
    *,
    update: bool,
) -> None:
    link = absolute_url(reverse("sessions:join", args=[join_token(invitation)]))
    is_staff = person.role == Invitation.Role.STAFF
    context = {
        "session": session,
        "person": person,
        "when": _local(session),
        "link": link,
        "update": update,
        "is_staff": is_staff,
        "is_host": is_staff and person.person_id == session.organiser_id,
        "is_guardian": person.role == Invitation.Role.GUARDIAN,
        "one_to_one": session.kind == SessionKind.ONE_TO_ONE,
        "session_link": absolute_url(reverse("sessions:detail", args=[session.pk])),
        "prepare_link": absolute_url(reverse("sessions:prepare", args=[session.pk])),
    }
    subject = ("Changed: " if update else "Invitation: ") + f"{session.title}, {_local(session)}"
    queue_email(
        to=person.email,
        subject=subject,
        text=render_to_string("sessions/email/invitation.txt", context),
        purpose="session_update" if update else "session_invitation",
        obj=session,
        attachments=[
            Attachment(
                "invitation.ics",
                "text/calendar; method=REQUEST; charset=utf-8",
                _calendar(session, people, link, cancelled=False),
            )
        ],
    )


def send_cancellations(session: Session) -> int:
    return _send_cancellations(
        session, list(session.invitations.all()), purpose="session_cancelled"
    )


def _send_cancellations(session: Session, invited: list[Invitation], *, purpose: str) -> int:
    """Tell each of ``invited`` that the session is cancelled (``session_cancelled``) or that
    they no longer take part in it, with a calendar cancellation."""
    people = [
        Recipient(invitation.role, invitation.person_id, invitation.display_name, invitation.email)
        for invitation in invited
    ]
    withdrawn = purpose == "session_invitation_withdrawn"
    for invitation in invited:
        context = {
            "session": session,
            "when": _local(session),
            "name": invitation.display_name,
            "withdrawn": withdrawn,
        }
        queue_email(
            to=invitation.email,
            subject=f"{'No longer taking part' if withdrawn else 'Cancelled'}: "
            f"{session.title}, {_local(session)}",
            text=render_to_string("sessions/email/cancelled.txt", context),
            purpose=purpose,
            obj=session,
            attachments=[
                Attachment(
                    "cancellation.ics",
                    "text/calendar; method=CANCEL; charset=utf-8",
                    _calendar(session, people, session.title, cancelled=True),
                )
            ],
        )
    return len(invited)


def notify_senior_leaders(session: Session, *, what: str) -> int:
    """SES-6: the senior leadership team is told of each session booked, moved or cancelled."""
    address = session.organisation.senior_leadership_email
    addresses = (
        [address]
        if address
        else [
            user.email
            for user in staff_granted(session.organisation_id, Permission.RECEIVE_SESSION_NOTICES)
        ]
    )
    context = {
        "session": session,
        "when": _local(session),
        "what": what,
        "learners": list(session.learners.all()),
        "staff": list(session.staff.all()),
        "link": absolute_url(reverse("sessions:detail", args=[session.pk])),
    }
    for to in addresses:
        queue_email(
            to=to,
            subject=f"Session {what}: {session.title}, {_local(session)}",
            text=render_to_string("sessions/email/slt_notice.txt", context),
            purpose="session_notice_slt",
            obj=session,
        )
    return len(addresses)


def notify_approvers(session: Session, approver_roles: set[str], requested_by: User) -> int:
    approvers = [
        user
        for user in staff_with_roles(session.organisation_id, approver_roles)
        if user.pk != requested_by.pk
    ]
    context = {
        "session": session,
        "when": _local(session),
        "requested_by": requested_by,
        "findings": session.findings,
        "link": absolute_url(reverse("sessions:detail", args=[session.pk])),
    }
    for user in approvers:
        queue_email(
            to=user.email,
            subject=f"Exception asked for: {session.title}",
            text=render_to_string("sessions/email/exception_request.txt", context),
            purpose="session_exception_request",
            obj=session,
        )
    return len(approvers)


def notify_exception_decided(session: Session, exception: SessionException) -> int:
    """The organiser, and whoever asked if someone else did, are told the decision and why."""
    people = {session.organiser.pk: session.organiser}
    people.setdefault(exception.requested_by_id, exception.requested_by)
    approved = exception.status == ExceptionStatus.APPROVED
    context = {
        "session": session,
        "when": _local(session),
        "exception": exception,
        "approved": approved,
        "booked": session.status == SessionStatus.BOOKED,
        "refused_session": session.status == SessionStatus.REFUSED,
        "link": absolute_url(reverse("sessions:detail", args=[session.pk])),
    }
    for user in people.values():
        queue_email(
            to=user.email,
            subject=f"Exception {'approved' if approved else 'refused'}: {session.title}",
            text=render_to_string(
                "sessions/email/exception_decided.txt", {**context, "name": user.full_name}
            ),
            purpose="session_exception_decided",
            obj=session,
        )
    return len(people)


def notify_flagged(sessions: list[Session], *, why: str) -> int:
    """Each organiser, and the DSL (the deputies where there is no DSL), get one email listing
    why their sessions (or, for the safeguarding leads, the organisation's) are no longer
    allowed. Returns how many emails."""
    recipients_of: dict[int, tuple[User, list[Session]]] = {}
    dsls: dict[int, list[User]] = {}
    for session in sessions:
        if session.organisation_id not in dsls:
            dsls[session.organisation_id] = safeguarding_leads(session.organisation_id)
        for user in [session.organiser, *dsls[session.organisation_id]]:
            recipients_of.setdefault(user.pk, (user, []))[1].append(session)
    for user, theirs in recipients_of.values():
        context = {
            "name": user.full_name,
            "why": why,
            "sessions": [
                {
                    "session": session,
                    "when": _local(session),
                    "findings": session.findings,
                    "link": absolute_url(reverse("sessions:detail", args=[session.pk])),
                }
                for session in theirs
            ],
        }
        subject = (
            f"Action needed: {theirs[0].title} is no longer allowed"
            if len(theirs) == 1
            else f"Action needed: {len(theirs)} sessions are no longer allowed"
        )
        queue_email(
            to=user.email,
            subject=subject,
            text=render_to_string("sessions/email/flagged.txt", context),
            purpose="session_flagged",
            organisation_id=theirs[0].organisation_id,
        )
    return len(recipients_of)

"""What would fix each finding, in plain words, and where to do it.

Every fix the policy suggests leads to a page that does it: the session's own change page
(learners, staff, the adult in the house, recording, platform), its Move form (the time), its
preparation page, or the record a fix depends on elsewhere (a learner's consents, a member of
staff's checks, one's own consent to being recorded). A page offers only what its viewer may
do.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.urls import reverse

from chaperon.people.models import StaffMember, User
from chaperon.people.permissions import can
from chaperon.people.roles import Permission

from .models import Session, SessionStatus
from .permissions import is_host, may_change


@dataclass(frozen=True)
class Fix:
    """What would fix a finding of one rule: the advice in plain words, and the part of the
    session that fixes it (a section of its change page, or a field of the booking form) with
    what the link there says; no part where the fix is elsewhere or not a change."""

    advice: str
    part: str = ""
    label: str = ""


_PLATFORM_PART = ("platform", "Use Chaperon's own room or another platform")
_STAFF_PART = ("staff", "Change the staff")
_MOVE = ("move", "Move the session")

# The fix of every rule of the policy (``chaperon.policy.engine.catalogue.RULES``), by its
# identifier: the engine judges, the pages here say how to put it right.
FIXES: dict[str, Fix] = {
    "consent.participation": Fix(
        "Ask the learner's parent or carer for consent to take part (Consent page), "
        "or book without this learner.",
        "learners",
        "Change the learners",
    ),
    "consent.parent_information": Fix(
        "Send the parent information and wait for the parent's written confirmation.",
        "learners",
        "Change the learners",
    ),
    "consent.recording": Fix(
        "Turn recording off, or ask for consent to record from everyone taking part.",
        "recording",
        "Turn recording off",
    ),
    "recording.purpose": Fix(
        "Say what the recording is for, or turn recording off.",
        "recording",
        "Say what the recording is for, or turn it off",
    ),
    "recording.comfort_check": Fix("Ask each learner whether they are comfortable being recorded."),
    "time.agreed_slot": Fix(
        "Choose a day and time the parent agreed to, or ask them to agree a new time.", *_MOVE
    ),
    "time.working_hours": Fix(
        "Move the session inside working hours, or ask for an exception.", *_MOVE
    ),
    "duration.max": Fix(
        "Shorten the session, or ask for an exception.", "move", "Shorten or move the session"
    ),
    "frequency.weekly": Fix(
        "Choose another week, or ask for an exception.",
        "move",
        "Move the session to another week",
    ),
    "attendance.two_staff": Fix("Add a second member of staff.", "staff", "Add a member of staff"),
    "attendance.adult_present": Fix(
        "Name the adult who will be in the house during the session.",
        "named_adult",
        "Name the adult in the house",
    ),
    "attendance.facilitator_invited": Fix(
        "Where you can, invite a parent, teacher or facilitator who can drop in.",
        "staff",
        "Invite parents or another member of staff",
    ),
    "staff.dbs": Fix(
        "Record a current DBS check for this member of staff, or book someone else.",
        *_STAFF_PART,
    ),
    "staff.training": Fix(
        "Record current safeguarding training, or book someone else.", *_STAFF_PART
    ),
    "staff.aup": Fix(
        "Record a signed acceptable use agreement, or book someone else.", *_STAFF_PART
    ),
    "staff.suspended": Fix("Book another member of staff."),
    "platform.approved": Fix(
        "Use the built-in room or a platform on the approved register.", *_PLATFORM_PART
    ),
    "platform.account": Fix(
        "Use the organisation's account on the platform, never a personal one.",
        *_PLATFORM_PART,
    ),
    "platform.waiting_room": Fix("Turn the platform's waiting room on.", *_PLATFORM_PART),
    "platform.passcode": Fix("Turn the platform's passcode on.", *_PLATFORM_PART),
    "platform.video": Fix("Set host and participant video on.", *_PLATFORM_PART),
    "platform.screen_share": Fix("Stop participants sharing their screen.", *_PLATFORM_PART),
    "platform.rename": Fix("Stop participants renaming themselves.", *_PLATFORM_PART),
    "platform.lock": Fix("Lock the meeting once everyone has arrived.", *_PLATFORM_PART),
    "session.risk_assessment": Fix("Record the risk assessment and the plan for the session."),
}

# Where each part is on the booking form.
_BOOKING_FIELD = {
    "learners": "learners",
    "recording": "id_recording_enabled",
    "move": "id_day",
    "staff": "staff",
    "named_adult": "id_named_adult",
    "platform": "id_platform",
}


@dataclass(frozen=True)
class FixLink:
    label: str
    url: str


def fix_for(rule: str) -> str:
    fix = FIXES.get(rule)
    return fix.advice if fix else ""


def _session_link(session: Session, part: str, label: str) -> FixLink:
    if part == "move":
        return FixLink(label, reverse("sessions:detail", args=[session.pk]) + "#move")
    return FixLink(label, reverse("sessions:change", args=[session.pk]) + f"#{part}")


def may_change_parts(viewer: User, session: Session) -> bool:
    """The viewer may change this session's learners, staff, recording, platform and time."""
    return (
        session.status == SessionStatus.BOOKED
        and not session.has_ended()
        and may_change(viewer, session)
    )


def _learner_fixes(rule: str, learner_id: int, viewer: User, who: str) -> list[FixLink]:
    if not (rule.startswith("consent.") or rule == "time.agreed_slot"):
        return []
    if not can(viewer, Permission.VIEW_AND_REQUEST_CONSENT):
        return []
    url = reverse("consent:learner", args=[learner_id])
    return [FixLink(f"Ask for consent or agreed times on {who}'s consent page", url)]


def _staff_fixes(rule: str, user_id: int, viewer: User, who: str) -> list[FixLink]:
    if rule == "consent.recording":
        if user_id == viewer.pk:
            return [FixLink("Give your consent to being recorded", reverse("consent:staff_mine"))]
        if can(viewer, Permission.RECORD_CONSENT):
            return [FixLink("Staff consent to being recorded", reverse("consent:staff_list"))]
    if rule.startswith("staff.") and can(viewer, Permission.MANAGE_STAFF):
        member = StaffMember.objects.filter(user_id=user_id).first()
        if member is not None:
            url = reverse("people:staff_checks", args=[member.pk])
            return [FixLink(f"Record {who}'s checks", url)]
    return []


def _elsewhere(rule: str, subject: str, viewer: User, names: Mapping[str, str]) -> list[FixLink]:
    """Fixes on another record: the learner's consents, the member of staff's checks, the
    platform register."""
    who, number = names.get(subject, ""), subject[2:]
    if subject.startswith("ln") and number.isdigit():
        return _learner_fixes(rule, int(number), viewer, who)
    if subject.startswith("st") and number.isdigit():
        return _staff_fixes(rule, int(number), viewer, who)
    if rule.startswith("platform.") and rule != "platform.approved":
        return [FixLink("The approved platforms and their settings", reverse("sessions:platforms"))]
    return []


def fix_links(
    rule: str,
    subject: str | None,
    *,
    viewer: User,
    names: Mapping[str, str],
    session: Session | None = None,
) -> list[FixLink]:
    """Links to the pages that fix a finding, for ``viewer``: on the booking form itself
    while booking (``session`` None), else on the session's pages where they may change it."""
    links: list[FixLink] = []
    fix = FIXES.get(rule)
    if fix is not None and fix.part and session is None:
        links.append(FixLink(fix.label, f"#{_BOOKING_FIELD[fix.part]}"))
    elif fix is not None and fix.part and session is not None and may_change_parts(viewer, session):
        links.append(_session_link(session, fix.part, fix.label))
    host = session is not None and is_host(viewer, session)
    if session is not None and host and rule == "session.risk_assessment":
        url = reverse("sessions:prepare", args=[session.pk])
        links.append(FixLink("Record the risk assessment", url))
    return links + _elsewhere(rule, subject or "", viewer, names)

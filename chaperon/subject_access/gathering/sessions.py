"""Sessions the person was booked into, their attendance in live rooms, and the meeting
records of those sessions."""

from typing import Any

from chaperon.records.selectors import meeting_records_of_sessions
from chaperon.sessions.selectors import attendance_of_person, sessions_of_person

from . import Found, Subject, item, section


def _sessions(subject: Subject) -> list[Any]:
    if subject.kind == "guardian":
        return []
    return sessions_of_person(learner_id=subject.learner_id, user_id=subject.user_id)


def sessions(subject: Subject, found: Found) -> dict[str, Any]:
    items = []
    for booked in _sessions(subject):
        learners = list(booked.learners.all())
        staff = list(booked.staff.all())
        for learner in learners:
            found.learner(learner, where="Sessions")
        for member in staff:
            found.staff(member, where="Sessions")
        found.staff(booked.organiser, where="Sessions")
        items.append(
            item(
                f"{booked.title} ({subject.when(booked.start)})",
                ("Kind", booked.get_kind_display()),
                ("Length", f"{booked.duration_minutes} minutes"),
                ("Status", booked.get_status_display()),
                ("Organiser", booked.organiser.full_name),
                ("Staff", ", ".join(member.full_name for member in staff)),
                ("Learners", ", ".join(learner.full_name for learner in learners)),
                ("Recorded", "yes" if booked.recording_enabled else "no"),
                ("Adult at home", booked.named_adult),
                ("Cancelled", booked.cancel_reason),
            )
        )
    return section("sessions", "Sessions", items)


def attendance(subject: Subject, found: Found) -> dict[str, Any]:
    stays = attendance_of_person(
        learner_id=subject.learner_id, guardian_id=subject.guardian_id, user_id=subject.user_id
    )
    items = [
        item(
            f"{stay.session.title} ({subject.when(stay.session.start)})",
            ("Shown as", stay.display_name),
            ("Joined", subject.when(stay.joined_at)),
            ("Left", subject.when(stay.left_at)),
        )
        for stay in stays
    ]
    return section("attendance", "Attendance in live rooms", items)


def _owner(action: Any) -> str:
    return action.owner.full_name if action.owner is not None else action.owner_name


def meeting_records(subject: Subject, found: Found) -> dict[str, Any]:
    session_ids = [booked.pk for booked in _sessions(subject)]
    items = []
    for written in meeting_records_of_sessions(session_ids):
        found.staff(written.written_by, where="Meeting records")
        actions = list(written.actions.all())
        for action in actions:
            found.staff(action.owner, where="Meeting records")
            if action.owner is None and action.owner_name:
                name = action.owner_name
                found.party(f"name:{name.casefold()}", "other", name, where="Meeting records")
        items.append(
            item(
                f"Meeting record: {written.session.title} ({subject.when(written.session.start)})",
                ("Written by", written.written_by.full_name if written.written_by else ""),
                ("How it was delivered", written.get_method_display()),
                ("Summary", written.summary),
                (
                    "Actions",
                    "; ".join(
                        f"{action.description} ({_owner(action)}, by {action.due_on.isoformat()})"
                        for action in actions
                    ),
                ),
                ("Amended", subject.when(written.amended_at)),
            )
        )
    return section("meeting_records", "Meeting records", items)

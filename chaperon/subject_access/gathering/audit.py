"""Audit entries about the person: those whose object is their record, and those whose facts
name them. Who did each is a member of staff (a third party) or the system."""

from typing import Any

from chaperon.audit.actions import AuditAction
from chaperon.audit.selectors import EVENTS_ABOUT_LIMIT, events_about

from . import Found, Subject, item, section

WHERE = "Audit log"


def _action_label(value: str) -> str:
    return str(AuditAction(value).label) if value in AuditAction.values else value


def gather(subject: Subject, found: Found) -> dict[str, Any]:
    organisation_id = subject.person.organisation_id
    staff = subject.staff
    if staff is not None:
        events = events_about(
            organisation_id=organisation_id,
            object_type="people.staffmember",
            object_id=staff.pk,
            data_key="staff",
        ) + events_about(
            organisation_id=organisation_id,
            object_type="people.user",
            object_id=staff.user_id,
            data_key="user",
        )
    else:
        events = events_about(
            organisation_id=organisation_id,
            object_type=f"people.{subject.kind}",
            object_id=subject.person.pk,
            data_key=subject.kind,
        )
    unique = {event.pk: event for event in events}
    items = []
    for event in sorted(unique.values(), key=lambda each: (each.occurred_at, each.pk)):
        if event.actor_id is not None:
            found.party(f"user:{event.actor_id}", "staff", event.actor_label, where=WHERE)
        items.append(
            item(
                f"{subject.when(event.occurred_at)} {_action_label(event.action)}",
                ("By", event.actor_label),
                ("Reason", event.reason),
                ("Entry", f"{event.chain}/{event.seq}"),
            )
        )
    note = (
        f"The first {EVENTS_ABOUT_LIMIT} entries only." if len(events) >= EVENTS_ABOUT_LIMIT else ""
    )
    return section("audit", "Audit log entries about them", items, note)

"""Writing and amending meeting records (LOG-1, LOG-2).

Each service checks who may act, works in one transaction and writes its audit event in it.
A record, once written, is never changed in place without a trace: an amendment keeps the
content before and after with the reason, and every version's digest goes to the audit log.
"""

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.models import User
from chaperon.sessions.models import Session

from ..models import DeliveryMethod, MeetingRecord, MeetingRecordAmendment
from ..permissions import NO_SUCH_RECORD, may_amend_record, may_read_record, may_write_record
from ..selectors import (
    approved_platform_names,
    has_ended,
    is_held,
    record_destroyed,
    record_exists,
)
from .content import ActionInput, content_of, proposed_content, store_content


def _check_method(session: Session, method: str, platform_name: str) -> dict[str, str]:
    if method not in DeliveryMethod.values:
        labels = ", ".join(str(label).lower() for label in DeliveryMethod.labels)
        return {"method": f"choose how the session was delivered: {labels}"}
    if method != DeliveryMethod.APPROVED_PLATFORM:
        return {}
    names = approved_platform_names(session)
    if platform_name.strip() in names:
        return {}
    if not names:
        return {"method": "no other platform is on the approved register: choose another method"}
    return {"platform_name": "name the approved platform used: one of " + ", ".join(names)}


def _check_action(number: int, action: ActionInput, session: Session) -> dict[str, str]:
    key = f"actions.{number - 1}"
    errors = {}
    if not action.description.strip():
        errors[f"{key}.description"] = f"action {number}: say what is to be done"
    if action.owner is None and not action.owner_name.strip():
        errors[f"{key}.owner"] = (
            f"action {number}: choose who will do it (a member of staff), "
            "or type the name of someone else"
        )
    elif action.owner is not None and action.owner_name.strip():
        errors[f"{key}.owner_name"] = (
            f"action {number}: choose a member of staff or type a name, not both"
        )
    elif action.owner is not None and (
        action.owner.organisation_id != session.organisation_id or not action.owner.is_active
    ):
        errors[f"{key}.owner"] = f"action {number}: choose a current member of your staff"
    session_day = session.start.astimezone(session.organisation.zone).date()
    if action.due_on is None:
        errors[f"{key}.due_on"] = f"action {number}: give the date it is due"
    elif action.due_on < session_day:
        errors[f"{key}.due_on"] = (
            f"action {number}: choose a due date on or after the session ({session_day:%d/%m/%Y})"
        )
    return errors


def _checked(
    session: Session, method: str, platform_name: str, summary: str, actions: Sequence[ActionInput]
) -> list[ActionInput]:
    """The actions worth keeping (blank rows dropped); raises naming each field and its fix."""
    errors = _check_method(session, method, platform_name)
    if not summary.strip():
        errors["summary"] = "summarise what was discussed (a few sentences are enough)"
    kept = []
    for number, action in enumerate(actions, start=1):
        if action.is_blank:
            continue
        errors.update(_check_action(number, action, session))
        kept.append(action)
    if errors:
        raise ValidationFailed(errors)
    return kept


@logged
def meeting_record_write(
    *,
    actor: User,
    session: Session,
    method: str,
    summary: str,
    actions: Sequence[ActionInput] = (),
    platform_name: str = "",
) -> MeetingRecord:
    """Write the record of a session that has ended (LOG-1). Only its organiser, the host, may;
    only once: later changes are amendments."""
    if not may_read_record(actor, session):
        raise NotFound(NO_SUCH_RECORD)
    if not may_write_record(actor, session):
        raise PermissionDenied("Only the session's host writes its meeting record.")
    if not is_held(session):
        raise ValidationFailed({"session": "this session did not take place, so has no record"})
    if not has_ended(session):
        end = session.finished_at.astimezone(session.organisation.zone)
        raise ValidationFailed(
            {"session": f"write the record once the session has ended, after {end:%H:%M}"}
        )
    kept = _checked(session, method, platform_name, summary, actions)
    with transaction.atomic():
        Session.objects.select_for_update().get(pk=session.pk)
        if record_exists(session):
            raise ValidationFailed(
                {"session": "the record is already written: amend it, giving a reason"}
            )
        if record_destroyed(session):
            raise ValidationFailed({"session": "this session's record was destroyed"})
        meeting_record = MeetingRecord(
            organisation_id=session.organisation_id, session=session, written_by=actor
        )
        content = store_content(meeting_record, method, platform_name, summary, kept)
        record(
            action=AuditAction.MEETING_RECORD_WRITTEN,
            actor=actor,
            obj=meeting_record,
            data={
                "session": session.pk,
                "method": method,
                "actions": len(content["actions"]),
                "digest": meeting_record.digest,
            },
        )
    return meeting_record


@logged
def meeting_record_amend(
    *,
    actor: User,
    meeting_record: MeetingRecord,
    method: str,
    summary: str,
    reason: str,
    actions: Sequence[ActionInput] = (),
    platform_name: str = "",
) -> MeetingRecordAmendment | None:
    """Change a written record, saying why. The content before and after is kept with the
    reason (LOG-2). Returns None when nothing differs: no amendment is made."""
    session = meeting_record.session
    if not may_read_record(actor, session):
        raise NotFound(NO_SUCH_RECORD)
    if not may_amend_record(actor, session):
        raise PermissionDenied("Only the host, the DSL or a deputy may amend a meeting record.")
    kept = _checked(session, method, platform_name, summary, actions)
    if not reason.strip():
        raise ValidationFailed(
            {"reason": "say why the record is being changed; it is kept with it"}
        )
    with transaction.atomic():
        current = MeetingRecord.objects.select_for_update().get(pk=meeting_record.pk)
        before = content_of(current)
        if proposed_content(method, platform_name, summary, kept) == before:
            return None
        after = store_content(current, method, platform_name, summary, kept)
        number = current.amendments.count() + 1
        now = timezone.now()
        amendment = MeetingRecordAmendment.objects.create(
            record=current,
            number=number,
            amended_by=actor,
            amended_at=now,
            reason=reason.strip(),
            before=before,
            after=after,
        )
        current.amended_at = now
        current.save(update_fields=["amended_at", "updated_at"])
        record(
            action=AuditAction.MEETING_RECORD_AMENDED,
            actor=actor,
            obj=current,
            reason=amendment.reason,
            data={
                "session": session.pk,
                "amendment": number,
                "changed": sorted(key for key in after if after[key] != before[key]),
                "digest": current.digest,
            },
        )
    meeting_record.refresh_from_db()
    return amendment

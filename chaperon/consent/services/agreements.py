"""Staff consent to being recorded (and, for contracted staff, their employer's: REC-4), and
written agreements with families who record sessions themselves (REC-9)."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.actors import SystemActor
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.models import Learner, StaffMember, User
from chaperon.people.roles import Permission
from chaperon.people.selectors import organisation_today

from ..attachments import EvidenceFile, stored
from ..models import Answer, OwnRecordingAgreement, StaffParty, StaffRecordingConsent
from ..permissions import own_staff_record, require, require_same_organisation
from .answers import check_name
from .statements import statement_current

TEXT_MAX = 2000


@logged
def own_recording_agreement_record(
    *,
    actor: User | SystemActor,
    learner: Learner,
    recorded_by_name: str,
    purpose: str,
    kept_until: date,
    agreed_on: date,
    attachment: EvidenceFile | None,
) -> OwnRecordingAgreement:
    """Keep the written agreement with a parent or learner who records sessions themself:
    what for, and until when they keep the recording."""
    require(actor, Permission.RECORD_CONSENT)
    require_same_organisation(actor, learner.organisation_id)
    name = check_name(recorded_by_name, "recorded_by_name")
    if not purpose.strip():
        raise ValidationFailed({"purpose": "say what the recording is for"})
    if agreed_on > organisation_today(learner.organisation):
        raise ValidationFailed({"agreed_on": "the day of the agreement cannot be in the future"})
    if kept_until < agreed_on:
        raise ValidationFailed({"kept_until": "must be on or after the day of the agreement"})
    if attachment is None:
        raise ValidationFailed({"attachment": "attach the signed agreement"})
    with stored(attachment, organisation_id=learner.organisation_id) as file, transaction.atomic():
        agreement = OwnRecordingAgreement(
            organisation_id=learner.organisation_id,
            learner=learner,
            recorded_by_name=name,
            purpose=purpose.strip()[:TEXT_MAX],
            kept_until=kept_until,
            agreed_on=agreed_on,
            entered_by=actor if isinstance(actor, User) else None,
        )
        if file is not None:
            agreement.attachment.name = file.path
            agreement.attachment_name = file.name
            agreement.attachment_type = file.content_type
        agreement.save()
        record(
            action=AuditAction.OWN_RECORDING_AGREEMENT_RECORDED,
            actor=actor,
            obj=agreement,
            data={"learner": learner.pk, "kept_until": kept_until.isoformat()},
        )
    return agreement


def _supersede(staff: StaffMember, party: str) -> StaffRecordingConsent | None:
    current = (
        StaffRecordingConsent.objects.select_for_update()
        .filter(staff=staff, party=party, superseded_at__isnull=True)
        .first()
    )
    if current is not None:
        current.superseded_at = timezone.now()
        current.save(update_fields=["superseded_at", "updated_at"])
    return current


def _answer_after(before: StaffRecordingConsent | None, answer: str) -> str:
    if answer not in (Answer.GIVEN, Answer.DECLINED):
        raise ValidationFailed({"answer": "choose whether consent is given or not"})
    if answer == Answer.DECLINED and before is not None and before.answer == Answer.GIVEN:
        return Answer.WITHDRAWN
    return answer


@logged
def staff_recording_consent_answer(
    *, actor: User, answer: str, employer_name: str = ""
) -> StaffRecordingConsent:
    """A member of staff gives, declines or withdraws their own consent to being recorded,
    to the organisation's current statement. ``employer_name`` is set by contracted staff,
    whose employer must then consent too."""
    staff = own_staff_record(actor)
    with transaction.atomic():
        statement = statement_current(organisation=staff.organisation)
        before = _supersede(staff, StaffParty.STAFF)
        final = _answer_after(before, answer)
        row = StaffRecordingConsent.objects.create(
            organisation_id=staff.organisation_id,
            staff=staff,
            party=StaffParty.STAFF,
            answer=final,
            employer_name=" ".join(employer_name.split())[:200],
            statement=statement,
            statement_sha256=statement.sha256,
            answered_at=timezone.now(),
            entered_by=actor,
        )
        record(
            action=AuditAction.STAFF_RECORDING_CONSENT_ANSWERED,
            actor=actor,
            obj=row,
            data={
                "staff": staff.pk,
                "answer": final,
                "contracted": bool(row.employer_name),
                "statement_sha256": statement.sha256,
            },
        )
    return row


@logged
def employer_recording_consent_record(
    *,
    actor: User | SystemActor,
    staff: StaffMember,
    employer_name: str,
    answer: str,
    attachment: EvidenceFile | None,
    reason: str = "",
) -> StaffRecordingConsent:
    """Record the written consent (or refusal) of a contracted staff member's employer."""
    require(actor, Permission.RECORD_CONSENT)
    require_same_organisation(actor, staff.organisation_id)
    name = " ".join(employer_name.split())
    if not name:
        raise ValidationFailed({"employer_name": "name the employer"})
    if answer == Answer.GIVEN and attachment is None:
        raise ValidationFailed({"attachment": "attach the employer's written consent"})
    with stored(attachment, organisation_id=staff.organisation_id) as file, transaction.atomic():
        before = _supersede(staff, StaffParty.EMPLOYER)
        final = _answer_after(before, answer)
        row = StaffRecordingConsent(
            organisation_id=staff.organisation_id,
            staff=staff,
            party=StaffParty.EMPLOYER,
            answer=final,
            employer_name=name[:200],
            answered_at=timezone.now(),
            entered_by=actor if isinstance(actor, User) else None,
            reason=reason.strip(),
        )
        if file is not None:
            row.attachment.name = file.path
            row.attachment_name = file.name
            row.attachment_type = file.content_type
        row.save()
        record(
            action=AuditAction.EMPLOYER_RECORDING_CONSENT_RECORDED,
            actor=actor,
            obj=row,
            reason=reason.strip(),
            data={"staff": staff.pk, "answer": final},
        )
    return row

"""Changes under the retention schedule (LOG-2): the organisation's own periods, holds, the
DSL's reviews, and destruction on the DSL's confirmation. Each checks the DSL's permission
itself, runs in one transaction and writes its audit event in it; a refusal changes nothing.

Destruction is certified as recordings are: a certificate row (what kind, how many, their
digest, the rule, who confirmed) and an audit event, the event's place in the hash chain
written back onto the certificate. The audit log itself is only ever appended to.
"""

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.concerns.selectors import concerns_on_file_of
from chaperon.concerns.services.destruction import concern_file_blocker, concern_file_erase
from chaperon.consent.services import consent_evidence_erase
from chaperon.core.exceptions import NotFound, ValidationFailed
from chaperon.core.pure.retention import (
    BY_KIND,
    Kind,
    from_birth_due,
    latest_due_start,
    shortens,
)
from chaperon.core.service_log import logged
from chaperon.governance.services import (
    filter_entries_forget_concerns,
    staff_agreements_and_training_erase,
)
from chaperon.people.models import Learner, StaffMember, User
from chaperon.people.permissions import require
from chaperon.people.roles import Permission

from .models import RetentionDestruction, RetentionHold, RetentionPeriod, RetentionReview
from .selectors import (
    REVIEWED_HERE,
    due_consent_learners,
    due_for_review,
    due_learners,
    rule_words,
    years_in_force,
)

REASON_MAX_CHARACTERS = 2000
MAX_YEARS = 100


def _reason(text: str, field: str, *, needed: str) -> tuple[str, dict[str, str]]:
    text = text.strip()
    if not text:
        return text, {field: needed}
    if len(text) > REASON_MAX_CHARACTERS:
        return text, {field: f"keep this to {REASON_MAX_CHARACTERS:,} characters"}
    return text, {}


@logged
def retention_period_set(*, actor: User, kind: str, years: int, reason: str) -> RetentionPeriod:
    """Set the organisation's own period for ``kind``. Longer than the schedule is always
    allowed; shorter needs a reason, kept with the period, shown and audited."""
    require(actor, Permission.LEAD_SAFEGUARDING)
    errors: dict[str, str] = {}
    entry = BY_KIND.get(Kind(kind)) if kind in Kind else None
    if entry is None or not entry.adjustable:
        errors["kind"] = "choose a kind of record whose period the organisation may set"
    if not 1 <= years <= MAX_YEARS:
        errors["years"] = f"give a number of years from 1 to {MAX_YEARS}"
    reason = reason.strip()
    if entry is not None and not errors and shortens(entry.kind, years):
        reason, problem = _reason(
            reason,
            "reason",
            needed=f"{years} years is shorter than the schedule's {entry.years}: say why the "
            "organisation keeps these records for less",
        )
        errors.update(problem)
    if errors:
        raise ValidationFailed(errors)
    scheduled = entry.years if entry is not None else None
    organisation = actor.organisation
    with transaction.atomic():
        before = RetentionPeriod.objects.select_for_update().filter(
            organisation=organisation, kind=kind
        )
        was = before.values_list("years", flat=True).first()
        period, _ = RetentionPeriod.objects.update_or_create(
            organisation=organisation,
            kind=kind,
            defaults={"years": years, "reason": reason, "set_by": actor},
        )
        record(
            action=AuditAction.RETENTION_PERIOD_SET,
            actor=actor,
            obj=period,
            reason=reason,
            data={"kind": kind, "years": years, "was": was, "schedule": scheduled},
        )
    return period


def _subject(actor: User, learner_id: int | None, staff_id: int | None) -> Learner | StaffMember:
    if (learner_id is None) == (staff_id is None):
        raise ValidationFailed({"person": "choose one learner or one member of staff"})
    subject: Learner | StaffMember | None
    if learner_id is not None:
        subject = Learner.objects.filter(
            organisation_id=actor.organisation_id, pk=learner_id
        ).first()
    else:
        subject = StaffMember.objects.filter(
            organisation_id=actor.organisation_id, pk=staff_id or 0
        ).first()
    if subject is None:
        raise NotFound("No such person in your organisation.")
    return subject


def _about(subject: Learner | StaffMember) -> dict[str, int]:
    """The person, for the audit event's data."""
    return {"learner": subject.pk} if isinstance(subject, Learner) else {"staff": subject.pk}


def _person_fields(subject: Learner | StaffMember) -> dict[str, int]:
    """The person, for a row's columns."""
    key = "learner_id" if isinstance(subject, Learner) else "staff_id"
    return {key: subject.pk}


@logged
def retention_hold_place(
    *, actor: User, reason: str, learner_id: int | None = None, staff_id: int | None = None
) -> RetentionHold:
    """Keep every record about a person from destruction until the hold is released."""
    require(actor, Permission.LEAD_SAFEGUARDING)
    reason, errors = _reason(
        reason, "reason", needed="say why these records must be kept (a case, a claim, an inquiry)"
    )
    if errors:
        raise ValidationFailed(errors)
    subject = _subject(actor, learner_id, staff_id)
    with transaction.atomic():
        hold = RetentionHold.objects.create(
            organisation_id=actor.organisation_id,
            reason=reason,
            placed_by=actor,
            **_person_fields(subject),
        )
        record(
            action=AuditAction.RETENTION_HOLD_PLACED,
            actor=actor,
            obj=hold,
            reason=reason,
            data={"hold": hold.pk, **_about(subject)},
        )
    return hold


@logged
def retention_hold_release(*, actor: User, hold_id: int, reason: str) -> RetentionHold:
    require(actor, Permission.LEAD_SAFEGUARDING)
    reason, errors = _reason(
        reason, "release_reason", needed="say why the hold is no longer needed"
    )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        hold = (
            RetentionHold.objects.select_for_update()
            .filter(organisation_id=actor.organisation_id, pk=hold_id, released_at__isnull=True)
            .first()
        )
        if hold is None:
            raise NotFound("No hold in force with that number.")
        hold.released_at, hold.released_by, hold.release_reason = timezone.now(), actor, reason
        hold.save(update_fields=["released_at", "released_by", "release_reason", "updated_at"])
        record(
            action=AuditAction.RETENTION_HOLD_RELEASED,
            actor=actor,
            obj=hold,
            reason=reason,
            data={"hold": hold.pk},
        )
    return hold


def _due(actor: User, kind: Kind, subject: Learner | StaffMember, today: date) -> bool:
    return due_for_review(actor.organisation, kind, today).filter(pk=subject.pk).exists()


@logged
def retention_review_keep(
    *,
    actor: User,
    kind: str,
    keep_until: date,
    reason: str,
    learner_id: int | None = None,
    staff_id: int | None = None,
) -> RetentionReview:
    """The DSL reviewed a record that came to review and keeps it until ``keep_until``; it
    comes back to the list on that day."""
    require(actor, Permission.LEAD_SAFEGUARDING)
    if kind not in Kind or Kind(kind) not in REVIEWED_HERE:
        raise ValidationFailed({"kind": "choose a kind of record reviewed here"})
    today = actor.organisation.today()
    reason, errors = _reason(reason, "reason", needed="say why the record is kept longer")
    if keep_until <= today:
        errors["keep_until"] = "give a day after today to keep the record until"
    if errors:
        raise ValidationFailed(errors)
    subject = _subject(actor, learner_id, staff_id)
    with transaction.atomic():
        if not _due(actor, Kind(kind), subject, today):
            raise ValidationFailed({"kind": "this record has not come to review"})
        review = RetentionReview.objects.create(
            organisation_id=actor.organisation_id,
            kind=kind,
            keep_until=keep_until,
            reason=reason,
            reviewed_by=actor,
            **_person_fields(subject),
        )
        record(
            action=AuditAction.RETENTION_REVIEWED,
            actor=actor,
            obj=review,
            reason=reason,
            data={"kind": kind, "keep_until": keep_until.isoformat(), **_about(subject)},
        )
    return review


@logged
def retention_staff_records_destroy(*, actor: User, staff_id: int) -> RetentionDestruction:
    """Destroy a member of staff's acceptable use agreements and training records once the
    schedule's period after they left has ended, on the DSL's confirmation, and certify it.
    Refused, with nothing changed, while a hold or an open allegation about them stands."""
    require(actor, Permission.LEAD_SAFEGUARDING)
    kind = Kind.AUP_AND_TRAINING
    organisation = actor.organisation
    today = organisation.today()
    with transaction.atomic():
        staff = (
            StaffMember.objects.select_for_update()
            .filter(organisation=organisation, pk=staff_id)
            .first()
        )
        if staff is None:
            raise NotFound("No such member of staff in your organisation.")
        due = due_for_review(organisation, kind, today).filter(pk=staff.pk).first()
        if due is None:
            raise ValidationFailed(
                {"confirm": "these records have not come to the end of their period"}
            )
        if due.held:
            raise ValidationFailed({"confirm": "a hold keeps these records: release it first"})
        if due.open_case:
            raise ValidationFailed(
                {"confirm": "an allegation about this member of staff is open: close it first"}
            )
        years = years_in_force(organisation, kind)
        rule = f"{rule_words(BY_KIND[kind], organisation, years)} (left on {staff.left_on})"
        count, digest = staff_agreements_and_training_erase(staff=staff)
        return _certify(
            actor=actor, kind=kind, subject=staff, records=count, digest=digest, rule=rule
        )


@logged
def retention_concern_file_destroy(*, actor: User, learner_id: int) -> RetentionDestruction:
    """Destroy a learner's child protection file once the schedule's period from their date
    of birth has ended, on the DSL's confirmation, and certify it: the one delete of concerns
    the database allows (``concerns.services.destruction``). Refused, with nothing changed,
    before its date, while a hold on the learner or an open case about them stands, or while
    a recording is held as evidence for one of its concerns."""
    require(actor, Permission.LEAD_SAFEGUARDING)
    kind = Kind.CONCERN_FILE
    organisation = actor.organisation
    today = organisation.today()
    with transaction.atomic():
        learner = (
            Learner.objects.select_for_update()
            .filter(organisation=organisation, pk=learner_id)
            .first()
        )
        if learner is None:
            raise NotFound("No such learner in your organisation.")
        due: Any = due_learners(organisation, kind, today).filter(pk=learner.pk).first()
        if due is None:
            raise ValidationFailed(
                {"confirm": "this file has not come to the end of its period, or was kept"}
            )
        if due.held:
            raise ValidationFailed({"confirm": "a hold keeps this file: release it first"})
        if due.open_case:
            raise ValidationFailed({"confirm": "a case about this learner is open: close it first"})
        blocker = concern_file_blocker(learner)
        if blocker is not None:
            raise ValidationFailed({"confirm": blocker})
        years = years_in_force(organisation, kind)
        due_on = from_birth_due(learner.date_of_birth, years)
        rule = f"{rule_words(BY_KIND[kind], organisation, years)} (due on {due_on})"
        concern_ids = list(concerns_on_file_of(learner).values_list("pk", flat=True))
        filter_entries_forget_concerns(concern_ids)
        erased = concern_file_erase(learner=learner)
        return _certify(
            actor=actor,
            kind=kind,
            subject=learner,
            records=erased.records,
            digest=erased.content_sha256,
            rule=rule,
            details={
                "concerns": erased.concerns,
                "documents": erased.documents,
                "references": erased.references,
                "due_on": due_on.isoformat(),
                "first_raised": _day(erased.first_raised),
                "last_raised": _day(erased.last_raised),
                "last_closed": _day(erased.last_closed),
                "confirmed_by": actor.pk,
            },
        )


@logged
def retention_consent_evidence_destroy(*, actor: User, learner_id: int) -> RetentionDestruction:
    """Destroy a learner's consent evidence whose every answer ended (was withdrawn or
    replaced) at least the schedule's period ago, on the DSL's confirmation, and certify it.
    Evidence with an answer still current, or that ended later, stays. Refused, with nothing
    changed, before its date, when kept by a review, or while a hold on the learner or an open
    case about them stands."""
    require(actor, Permission.LEAD_SAFEGUARDING)
    kind = Kind.CONSENT_EVIDENCE
    organisation = actor.organisation
    today = organisation.today()
    with transaction.atomic():
        learner = (
            Learner.objects.select_for_update()
            .filter(organisation=organisation, pk=learner_id)
            .first()
        )
        if learner is None:
            raise NotFound("No such learner in your organisation.")
        due: Any = due_consent_learners(organisation, kind, today).filter(pk=learner.pk).first()
        if due is None:
            raise ValidationFailed(
                {"confirm": "this evidence has not come to the end of its period, or was kept"}
            )
        if due.held:
            raise ValidationFailed({"confirm": "a hold keeps this evidence: release it first"})
        if due.open_case:
            raise ValidationFailed({"confirm": "a case about this learner is open: close it first"})
        years = years_in_force(organisation, kind)
        cut_off = latest_due_start(today, years)
        rule = f"{rule_words(BY_KIND[kind], organisation, years)} (ended on or before {cut_off})"
        count, digest = consent_evidence_erase(learner=learner, cut_off=cut_off)
        return _certify(
            actor=actor,
            kind=kind,
            subject=learner,
            records=count,
            digest=digest,
            rule=rule,
            details={"cut_off": cut_off.isoformat(), "confirmed_by": actor.pk},
        )


def _certify(
    *,
    actor: User,
    kind: Kind,
    subject: Learner | StaffMember,
    records: int,
    digest: str,
    rule: str,
    details: dict[str, Any] | None = None,
) -> RetentionDestruction:
    """Certify a destruction, inside the destroying transaction: the certificate, the
    ``retention_records_destroyed`` event, and the event's place in the chain written back
    onto the certificate."""
    is_learner = isinstance(subject, Learner)
    certificate = RetentionDestruction.objects.create(
        organisation_id=actor.organisation_id,
        kind=kind,
        **({"learner_id_was": subject.pk} if is_learner else {"staff_id_was": subject.pk}),
        record_count=records,
        content_sha256=digest,
        rule=rule,
        destroyed_at=timezone.now(),
        destroyed_by=actor,
    )
    event = record(
        action=AuditAction.RETENTION_RECORDS_DESTROYED,
        actor=actor,
        obj=certificate,
        reason=rule,
        data={
            "certificate": certificate.pk,
            "kind": kind.value,
            "learner" if is_learner else "staff": subject.pk,
            "records": records,
            "content_sha256": digest,
            **(details or {}),
        },
    )
    RetentionDestruction.objects.filter(pk=certificate.pk).update(
        audit_seq=event.seq, audit_hash=event.hash
    )
    certificate.audit_seq, certificate.audit_hash = event.seq, event.hash
    return certificate


def _day(moment: datetime | None) -> str | None:
    return None if moment is None else moment.date().isoformat()

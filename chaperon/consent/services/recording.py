"""Writing one submission: the evidence, a consent per purpose, the receipt, the notices, the
audit events and the published events. Used by every way an answer arrives (``answers.py``).

Declining a purpose that was given counts as withdrawing it, with the same consequences.
"""

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.events import publish
from chaperon.core.exceptions import ValidationFailed
from chaperon.people.models import Guardian, Learner, Organisation, User
from chaperon.people.selectors import organisation_today

from .. import notices
from ..attachments import StoredFile
from ..events import ConsentChanged, ConsentWithdrawn
from ..models import (
    Answer,
    Consent,
    ConsentAccess,
    ConsentEvidence,
    ConsentRequest,
    EvidenceKind,
    Purpose,
    StatementVersion,
)
from ..receipts import build_receipt
from ..selectors import consent_settings_of, latest_evidence_id
from ..slots import Slot


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Submission:
    """Who answered, how, and in answer to what: the evidence before it is saved."""

    organisation: Organisation
    learner: Learner
    kind: EvidenceKind
    channel: str
    answered_by_name: str
    answered_by_email: str = ""
    guardian: Guardian | None = None
    answered_by_learner: bool = False
    request: ConsentRequest | None = None
    access: ConsentAccess | None = None
    statement: StatementVersion | None = None
    recorded_by: User | None = None
    given_on: date | None = None
    reason: str = ""
    attachment: StoredFile | None = None
    # Who the audit log names when no staff member acted (an answer from a personal link).
    actor_label: str = ""
    # Who is told of a withdrawal by email, besides the safeguarding leads.
    tell: str = ""


@dataclass(frozen=True)
class Recorded:
    evidence: ConsentEvidence
    consents: list[Consent]
    withdrawn: list[Consent]  # the rows that were given and no longer are


def current_consents(learner_id: int, purposes: Sequence[str]) -> dict[str, Consent]:
    rows = Consent.objects.select_for_update().filter(
        learner_id=learner_id, superseded_at__isnull=True, purpose__in=list(purposes)
    )
    return {row.purpose: row for row in rows}


def check_expected_latest(learner_id: int, expected_latest: int | None) -> None:
    """Refuse a form sent twice (a double click, two tabs): it was made when the learner's
    latest evidence was ``expected_latest`` (0 for none), and another answer came since."""
    if expected_latest is not None and latest_evidence_id(learner_id) != expected_latest:
        raise ValidationFailed(
            {
                "form": "these answers were already saved, or changed in another window; "
                "look at the answers below before changing them again"
            }
        )


def _lock_learner(learner: Learner) -> None:
    # Answers for one learner are written one at a time, so "current" stays one row each.
    Learner.objects.select_for_update().filter(pk=learner.pk).values_list("pk").first()


def record_submission(
    submission: Submission, answers: Mapping[str, str], slots: Sequence[Slot] = ()
) -> Recorded:
    """Write a submission. Call inside a transaction, with ``answers`` already checked (each
    purpose to given, declined or withdrawn) and ``slots`` normalised.

    Raises ``ValidationFailed`` for a withdrawal of purposes none of which is given now."""
    _lock_learner(submission.learner)
    now = timezone.now()
    organisation = submission.organisation
    settings = consent_settings_of(organisation.pk)
    given_on = submission.given_on or organisation_today(organisation)
    current = current_consents(submission.learner.pk, list(answers))
    plan = _plan(answers, current)
    if not plan:
        raise ValidationFailed({"purposes": "none of these is given now: nothing to withdraw"})
    evidence = _evidence(submission, now=now, given_on=given_on)
    withdrawn = [current[purpose] for purpose, answer in plan if answer == Answer.WITHDRAWN]
    Consent.objects.filter(
        pk__in=[current[p].pk for p, _ in plan if p in current], superseded_at__isnull=True
    ).update(superseded_at=now)
    consents = [
        Consent.objects.create(
            organisation=organisation,
            learner=submission.learner,
            evidence=evidence,
            purpose=purpose,
            answer=answer,
            valid_until=add_months(given_on, settings.consent_valid_months)
            if answer == Answer.GIVEN
            else None,
            slots=list(slots)
            if purpose == Purpose.LIVE_ONE_TO_ONE and answer == Answer.GIVEN
            else [],
        )
        for purpose, answer in plan
    ]
    evidence.receipt = build_receipt(
        evidence=evidence,
        consents=consents,
        organisation=organisation,
        learner=submission.learner,
        settings=settings,
    )
    evidence.save(update_fields=["receipt", "updated_at"])
    _notify(submission, evidence, consents, withdrawn)
    _audit(submission, evidence, consents)
    publish(ConsentChanged(organisation_id=organisation.pk, learner_id=submission.learner.pk))
    if withdrawn:
        publish(
            ConsentWithdrawn(
                organisation_id=organisation.pk,
                learner_id=submission.learner.pk,
                purposes=tuple(consent.purpose for consent in withdrawn),
                consent_ids=tuple(consent.pk for consent in withdrawn),
            )
        )
    return Recorded(evidence, consents, withdrawn)


def _plan(answers: Mapping[str, str], current: Mapping[str, Consent]) -> list[tuple[str, str]]:
    plan = []
    for purpose in Purpose.values:
        if purpose not in answers:
            continue
        answer = answers[purpose]
        before = current.get(purpose)
        was_given = before is not None and before.answer == Answer.GIVEN
        if answer in (Answer.DECLINED, Answer.WITHDRAWN) and was_given:
            answer = Answer.WITHDRAWN
        elif answer == Answer.WITHDRAWN:
            continue  # nothing in force to take away
        plan.append((purpose, str(answer)))
    return plan


def _evidence(submission: Submission, *, now: datetime, given_on: date) -> ConsentEvidence:
    statement = submission.statement
    evidence = ConsentEvidence(
        organisation=submission.organisation,
        learner=submission.learner,
        kind=submission.kind,
        request=submission.request,
        access=submission.access,
        guardian=submission.guardian,
        answered_by_learner=submission.answered_by_learner,
        answered_by_name=submission.answered_by_name,
        answered_by_email=submission.answered_by_email,
        channel=submission.channel,
        statement=statement,
        statement_sha256=statement.sha256 if statement is not None else "",
        answered_at=now,
        given_on=given_on,
        recorded_by=submission.recorded_by,
        reason=submission.reason,
    )
    if submission.attachment is not None:
        evidence.attachment.name = submission.attachment.path
        evidence.attachment_name = submission.attachment.name
        evidence.attachment_type = submission.attachment.content_type
    evidence.save()
    return evidence


def _notify(
    submission: Submission,
    evidence: ConsentEvidence,
    consents: Sequence[Consent],
    withdrawn: Sequence[Consent],
) -> None:
    if submission.kind == EvidenceKind.ANSWER:
        notices.queue_receipt_email(evidence, consents, submission.access)
    if withdrawn:
        notices.queue_withdrawal_notices(
            evidence, withdrawn, tell=submission.tell, access=submission.access
        )


def _audit(submission: Submission, evidence: ConsentEvidence, consents: Sequence[Consent]) -> None:
    for consent in consents:
        if consent.answer == Answer.WITHDRAWN:
            action = AuditAction.CONSENT_WITHDRAWN
        elif submission.recorded_by is not None:
            action = AuditAction.CONSENT_RECORDED_BY_STAFF
        else:
            action = AuditAction.CONSENT_ANSWERED
        record(
            action=action,
            actor=submission.recorded_by,
            actor_label=submission.actor_label,
            obj=consent,
            reason=submission.reason,
            data={
                "learner": submission.learner.pk,
                "purpose": consent.purpose,
                "answer": consent.answer,
                "evidence": evidence.pk,
                "request": submission.request.pk if submission.request else None,
                "channel": evidence.channel,
                "statement_sha256": evidence.statement_sha256,
            },
        )

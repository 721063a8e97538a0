"""The DSL's work on a concern: acknowledge, triage per Annex 1, steps, referrals, notes,
changes with their reasons, naming handlers of a restricted case, closing (INC-2..INC-10)."""

import dataclasses
from collections.abc import Mapping
from datetime import date

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.models import Learner, User

from ..checklist import AGENCY_LABELS, Agency, Answers, steps_completed_by, steps_for
from ..models import (
    AllegationOutcome,
    CaseAccess,
    Concern,
    ConcernStep,
    ConcernType,
    EntryKind,
    FourCs,
    Status,
)
from ..permissions import is_staff, may_grant_access, may_open
from .common import add_entry, open_step, required, save_state
from .evidence import hold_evidence_for

# INC-9: the responses recorded when a concern is closed, each with its question.
RESPONSES = {
    "blocked_sites": "Websites blocked",
    "content_removed": "Content evidenced and removed",
    "sanctions": "Warnings or sanctions",
    "lessons_learned": "Lessons learned",
    "process_changes": "Changes to processes or the online safety policy",
    "monitoring": "Monitoring for recurrence",
    "evidence_to_authorities": "Report and evidence to the authorities",
    "training_reviewed": "Training reviewed",
}


def _require_open(actor: User, concern: Concern) -> None:
    if not may_open(actor, concern):
        raise NotFound("No such concern.")
    if concern.status == Status.CLOSED:
        raise ValidationFailed({"concern": "this concern is closed; nothing more can be added"})


def _acknowledge(actor: User, concern: Concern) -> None:
    now = timezone.now()
    concern.status, concern.acknowledged_at = Status.ACKNOWLEDGED, now
    save_state(concern, "status", "acknowledged_at")
    waited = int((now - concern.created_at).total_seconds() // 60)
    add_entry(
        concern,
        kind=EntryKind.ACKNOWLEDGED,
        summary=f"Acknowledged by {actor.full_name}, {waited} minutes after it was raised",
        author=actor,
    )
    record(action=AuditAction.CONCERN_ACKNOWLEDGED, actor=actor, obj=concern)


@logged
@transaction.atomic
def concern_acknowledge(*, actor: User, concern: Concern) -> Concern:
    """The DSL (or a deputy, or a named handler) has seen it: escalation stops."""
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    _require_open(actor, concern)
    if concern.status != Status.RAISED:
        raise ValidationFailed({"concern": "this concern is already acknowledged"})
    _acknowledge(actor, concern)
    return concern


@logged
@transaction.atomic
def concern_triage(
    *, actor: User, concern: Concern, answers: Answers, risk_note: str, owner: User | None = None
) -> list[ConcernStep]:
    """Record the answers of Annex 1 and open the steps they ask for, owned by ``owner``
    (the actor by default). Triage again when more is known: steps not yet open are added."""
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    _require_open(actor, concern)
    owner = owner or actor
    if owner.organisation_id != concern.organisation_id or not is_staff(owner):
        raise ValidationFailed({"owner": "choose a member of staff of your organisation"})
    if errors := required(risk_note, "risk_note", "say what risk is posed to the child, and why"):
        raise ValidationFailed(errors)
    if concern.status == Status.RAISED:
        _acknowledge(actor, concern)
    now = timezone.now()
    answers = dataclasses.replace(answers, allegation=concern.restricted)
    existing = set(concern.steps.values_list("key", flat=True))
    opened = [
        open_step(concern, spec, owner=owner, now=now)
        for spec in steps_for(answers)
        if spec.key not in existing
    ]
    concern.status = Status.TRIAGED
    save_state(concern, "status")
    add_entry(
        concern,
        kind=EntryKind.TRIAGED,
        summary=_triage_summary(answers),
        author=actor,
        text=risk_note.strip(),
        data={
            "illegal": answers.illegal,
            "immediate_risk": answers.immediate_risk,
            "risk_to_user": answers.risk_to_user,
            "nude_sharing": answers.nude_sharing,
            "steps_opened": [step.key for step in opened],
            "owner_id": owner.pk,
        },
    )
    record(
        action=AuditAction.CONCERN_TRIAGED,
        actor=actor,
        obj=concern,
        data={"immediate_risk": answers.immediate_risk, "steps": len(opened)},
    )
    return opened


def _triage_summary(answers: Answers) -> str:
    parts = [
        "immediate risk" if answers.immediate_risk else "no immediate risk",
        f"illegal: {answers.illegal.replace('_', ' ')}",
        f"risk to the child: {answers.risk_to_user}",
    ]
    if answers.nude_sharing != "not_involved":
        parts.append(f"nude or semi-nude sharing: {answers.nude_sharing}")
    return "Triaged: " + "; ".join(parts)


@logged
@transaction.atomic
def concern_step_complete(
    *, actor: User, concern: Concern, step_id: int, outcome: str
) -> ConcernStep:
    """Mark a step done with what was done (for informing parents: whether they were
    told, and why, either way)."""
    _require_open(actor, concern)
    step = ConcernStep.objects.select_for_update().filter(pk=step_id, concern=concern).first()
    if step is None:
        raise NotFound("No such step.")
    if step.done_at is not None:
        raise ValidationFailed({"step": "this step is already done"})
    if errors := required(outcome, "outcome", "say what was done (or decided, and why)"):
        raise ValidationFailed(errors)
    _complete(step, actor=actor, outcome=outcome.strip())
    record(action=AuditAction.CONCERN_STEP_DONE, actor=actor, obj=concern, data={"step": step.key})
    return step


def _complete(step: ConcernStep, *, actor: User, outcome: str) -> None:
    step.done_at, step.done_by, step.outcome = timezone.now(), actor, outcome
    step.save(update_fields=["done_at", "done_by", "outcome"])
    add_entry(
        step.concern,
        kind=EntryKind.STEP_DONE,
        summary=f"Done: {step.title}",
        author=actor,
        text=outcome,
        data={"step": step.key},
    )


@logged
@transaction.atomic
def concern_referral_record(
    *,
    actor: User,
    concern: Concern,
    agency: str,
    made_on: date,
    reference: str,
    without_consent: bool = False,
    reason: str = "",
    detail: str = "",
) -> list[str]:
    """Record a referral made to an outside service, with its date and their reference; it
    completes the open steps that ask for a referral to that service. Returns their keys.
    A referral without consent needs its reason (a child at risk of significant harm)."""
    _require_open(actor, concern)
    errors: dict[str, str] = {}
    if agency not in Agency.__members__.values():
        errors["agency"] = "choose who the referral went to"
    errors |= required(reference, "reference", "give the reference number they gave you")
    if made_on > timezone.localdate(timezone=concern.organisation.zone):
        errors["made_on"] = "the date cannot be in the future"
    if without_consent:
        errors |= required(reason, "reason", "say why it could not wait for consent")
    if errors:
        raise ValidationFailed(errors)
    label = AGENCY_LABELS[Agency(agency)]
    add_entry(
        concern,
        kind=EntryKind.REFERRAL,
        summary=f"Referral to {label} on {made_on:%d %b %Y}, reference {reference.strip()}"
        + (" (without consent)" if without_consent else ""),
        author=actor,
        text=detail.strip(),
        reason=reason.strip(),
        data={
            "agency": agency,
            "made_on": made_on.isoformat(),
            "reference": reference.strip(),
            "without_consent": without_consent,
        },
    )
    open_steps = {
        step.key: step for step in concern.steps.select_for_update().filter(done_at__isnull=True)
    }
    completed = steps_completed_by(
        Agency(agency), [(key, step.agencies) for key, step in open_steps.items()]
    )
    for key in completed:
        _complete(
            open_steps[key], actor=actor, outcome=f"Referral to {label}, ref. {reference.strip()}"
        )
    record(
        action=AuditAction.CONCERN_REFERRAL_RECORDED,
        actor=actor,
        obj=concern,
        data={"agency": agency, "without_consent": without_consent, "steps": completed},
    )
    return completed


@logged
@transaction.atomic
def concern_note_add(*, actor: User, concern: Concern, text: str) -> None:
    _require_open(actor, concern)
    if errors := required(text, "text", "write the note"):
        raise ValidationFailed(errors)
    add_entry(concern, kind=EntryKind.NOTE, summary="Note", author=actor, text=text.strip())
    record(action=AuditAction.CONCERN_NOTE_ADDED, actor=actor, obj=concern)


@logged
@transaction.atomic
def concern_change(
    *,
    actor: User,
    concern: Concern,
    reason: str,
    category: str | None = None,
    types: list[str] | None = None,
    occurred_on: date | None = None,
    learner: Learner | None = None,
) -> list[str]:
    """Change the category, types, date or learner, with the reason, as an entry that keeps
    what it was before. Returns the names of what changed."""
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    _require_open(actor, concern)
    errors = required(reason, "reason", "say why it changes")
    if category is not None and category not in FourCs.values:
        errors["category"] = "choose one of the four Cs"
    if types is not None and any(value not in ConcernType.values for value in types):
        errors["types"] = "choose from the types listed"
    if learner is not None and learner.organisation_id != concern.organisation_id:
        errors["learner"] = "choose a learner of your organisation"
    if errors:
        raise ValidationFailed(errors)
    wanted: dict[str, object] = {"category": category, "types": types, "occurred_on": occurred_on}
    wanted["learner_id"] = learner.pk if learner is not None else None
    changes = {
        name: (getattr(concern, name), value)
        for name, value in wanted.items()
        if value is not None and getattr(concern, name) != value
    }
    if not changes:
        raise ValidationFailed({"reason": "nothing is different from what is recorded now"})
    for name, (_, value) in changes.items():
        setattr(concern, name, value)
    save_state(concern, *changes)
    add_entry(
        concern,
        kind=EntryKind.CHANGED,
        summary="Changed: " + ", ".join(name.removesuffix("_id") for name in changes),
        author=actor,
        reason=reason.strip(),
        data={
            name: {"from": _json(before), "to": _json(after)}
            for name, (before, after) in changes.items()
        },
    )
    record(
        action=AuditAction.CONCERN_CHANGED,
        actor=actor,
        obj=concern,
        reason=reason.strip(),
        data={"fields": sorted(changes)},
    )
    if learner is not None and "learner_id" in changes:
        hold_evidence_for(concern, actor=actor, learner_ids=(learner.pk,), with_session=False)
    return sorted(changes)


def _json(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


@logged
@transaction.atomic
def concern_access_grant(*, actor: User, concern: Concern, user: User) -> CaseAccess:
    """Name someone to handle a restricted case (INC-10). Never the person it is about."""
    _require_open(actor, concern)
    if not may_grant_access(actor, concern):
        raise PermissionDenied("Only the DSL names who handles an allegation.")
    if user.organisation_id != concern.organisation_id or not is_staff(user):
        raise ValidationFailed({"user": "choose a member of staff of your organisation"})
    if user.pk == concern.subject_staff_id:
        raise ValidationFailed({"user": "the person an allegation is about never sees it"})
    if CaseAccess.objects.filter(concern=concern, user=user).exists():
        raise ValidationFailed({"user": f"{user.full_name} can already see this case"})
    access = CaseAccess.objects.create(
        concern=concern, user=user, granted_by=actor, granted_at=timezone.now()
    )
    add_entry(
        concern,
        kind=EntryKind.ACCESS_GRANTED,
        summary=f"{user.full_name} named to handle this case",
        author=actor,
        data={"user_id": user.pk},
    )
    record(
        action=AuditAction.CONCERN_ACCESS_GRANTED, actor=actor, obj=concern, data={"user": user.pk}
    )
    return access


@logged
@transaction.atomic
def concern_close(
    *,
    actor: User,
    concern: Concern,
    responses: Mapping[str, str],
    reporter_told: str,
    open_steps_reason: str = "",
    allegation_outcome: str = "",
) -> Concern:
    """Close with the responses of INC-9 and how the reporter was told it was dealt with.
    With a step still open, the reason it may close anyway is required. An allegation about
    staff closes only with its outcome (substantiated, unsubstantiated, false, malicious or
    unfounded), which says how long its record is kept (docs/retention.md); a concern has
    none."""
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    _require_open(actor, concern)
    open_steps = list(concern.steps.filter(done_at__isnull=True))
    errors: dict[str, str] = {}
    if concern.status == Status.RAISED:
        errors["concern"] = "acknowledge and triage the concern before closing it"
    if suspended := list(concern.suspensions.filter(lifted_at__isnull=True).select_related("user")):
        errors["concern"] = (
            f"{suspended[0].user.full_name} is still suspended from sessions: lift the suspension "
            "first (it lasts while the allegation is open)"
        )
    if open_steps and not open_steps_reason.strip():
        errors["open_steps_reason"] = (
            f"{len(open_steps)} step(s) are still open: do them, or say why it closes anyway"
        )
    errors |= required(
        reporter_told,
        "reporter_told",
        "say how the reporter was told it was dealt with (or why not)",
    )
    if unknown := set(responses) - set(RESPONSES):
        errors["responses"] = f"unknown responses: {', '.join(sorted(unknown))}"
    if concern.restricted and allegation_outcome not in AllegationOutcome.values:
        errors["allegation_outcome"] = "choose the allegation's outcome: " + ", ".join(
            label.lower() for label in AllegationOutcome.labels
        )
    elif not concern.restricted and allegation_outcome:
        errors["allegation_outcome"] = "only an allegation about staff has an outcome"
    if errors:
        raise ValidationFailed(errors)
    now = timezone.now()
    concern.status, concern.closed_at = Status.CLOSED, now
    concern.allegation_outcome = allegation_outcome
    save_state(concern, "status", "closed_at", "allegation_outcome")
    add_entry(
        concern,
        kind=EntryKind.CLOSED,
        summary=f"Closed by {actor.full_name}",
        author=actor,
        text=reporter_told.strip(),
        reason=open_steps_reason.strip(),
        data={
            "responses": {key: value.strip() for key, value in responses.items() if value.strip()},
            "open_steps": [step.key for step in open_steps],
            **({"allegation_outcome": allegation_outcome} if allegation_outcome else {}),
        },
    )
    record(
        action=AuditAction.CONCERN_CLOSED,
        actor=actor,
        obj=concern,
        reason=open_steps_reason.strip(),
        data={
            "open_steps": len(open_steps),
            **({"allegation_outcome": allegation_outcome} if allegation_outcome else {}),
        },
    )
    return concern

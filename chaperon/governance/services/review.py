"""The annual review of online safety (ORG-6): begun each school year by the DSL with the
previous year's risks and its open actions carried forward, written (risks, findings, actions),
signed off by the board's safeguarding champion, and never changed once signed off: a change is
a new version, begun as a copy of the last."""

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import NotFound, ValidationFailed
from chaperon.core.service_log import logged
from chaperon.core.validators import single_line_problem
from chaperon.people.models import User
from chaperon.people.permissions import require, require_same_organisation
from chaperon.people.roles import Permission

from ..models import AnnualReview, Level, Post, ReviewAction, ReviewRisk, TeamPost
from ..quarters import SchoolYear

FINDINGS_MAX_CHARACTERS = 20000
TEXT_MAX_CHARACTERS = 300
CONTROLS_MAX_CHARACTERS = 4000


def _refuse_if_signed_off(review: AnnualReview) -> None:
    if review.signed_off:
        raise ValidationFailed(
            {
                "review": (
                    f"Version {review.version} is signed off and is not changed; start a new "
                    "version to change it."
                )
            }
        )


def _locked(actor: User, review: AnnualReview) -> AnnualReview:
    """The review, locked for the change, refused if signed off."""
    require(actor, Permission.WRITE_ANNUAL_REVIEW)
    require_same_organisation(actor, review)
    locked = AnnualReview.objects.select_for_update().get(pk=review.pk)
    _refuse_if_signed_off(locked)
    return locked


def _owner(actor: User, owner: User | None, field: str = "owner") -> User:
    if owner is None or owner.organisation_id != actor.organisation_id or not owner.is_active:
        raise ValidationFailed({field: "Choose the member of staff who owns it."})
    return owner


def _text(errors: dict[str, str], field: str, value: str, limit: int, what: str) -> str:
    text = value.strip()
    if not text:
        errors[field] = f"Give the {what}."
    elif len(text) > limit:
        errors[field] = f"The {what} is {len(text)} characters long; shorten it to {limit}."
    elif limit == TEXT_MAX_CHARACTERS and (problem := single_line_problem(text)):
        errors[field] = problem
    return text


@logged
def annual_review_start(*, actor: User, year: SchoolYear) -> AnnualReview:
    """Begin the review of ``year`` (its first version): the risks of the previous year's last
    version are copied to be reviewed again, and its actions not done are carried forward."""
    require(actor, Permission.WRITE_ANNUAL_REVIEW)
    organisation_id = actor.organisation_id
    if AnnualReview.objects.filter(organisation_id=organisation_id, year=year.year).exists():
        raise ValidationFailed(
            {"year": f"The review of {year.label} is already begun; open it from the list."}
        )
    previous = (
        AnnualReview.objects.filter(organisation_id=organisation_id, year=year.previous().year)
        .order_by("-version")
        .first()
    )
    try:
        with transaction.atomic():
            review = AnnualReview.objects.create(
                organisation_id=organisation_id, year=year.year, version=1, created_by=actor
            )
            carried = 0
            if previous is not None:
                for risk in previous.risks.all():
                    _copy_risk(risk, review)
                for action in previous.actions.filter(done_on__isnull=True):
                    ReviewAction.objects.create(
                        review=review,
                        action=action.action,
                        owner=action.owner,
                        due_on=action.due_on,
                        carried_from_year=action.carried_from_year or previous.year,
                    )
                    carried += 1
            record(
                action=AuditAction.ANNUAL_REVIEW_STARTED,
                actor=actor,
                obj=review,
                data={"year": year.key, "version": 1, "actions_carried": carried},
            )
    except IntegrityError as error:
        raise ValidationFailed(
            {"year": f"The review of {year.label} is already begun; open it from the list."}
        ) from error
    return review


def _copy_risk(risk: ReviewRisk, review: AnnualReview) -> None:
    ReviewRisk.objects.create(
        review=review,
        risk=risk.risk,
        likelihood=risk.likelihood,
        impact=risk.impact,
        controls=risk.controls,
        owner=risk.owner,
        review_on=risk.review_on,
    )


def _changed(actor: User, review: AnnualReview, change: str, **data: Any) -> None:
    record(
        action=AuditAction.ANNUAL_REVIEW_CHANGED,
        actor=actor,
        obj=review,
        data={"year": review.year, "version": review.version, "change": change, **data},
    )


@logged
def annual_review_risk_add(
    *,
    actor: User,
    review: AnnualReview,
    risk: str,
    likelihood: int,
    impact: int,
    controls: str,
    owner: User | None,
    review_on: date,
) -> ReviewRisk:
    """Add a risk to the review's risk assessment."""
    errors: dict[str, str] = {}
    text = _text(errors, "risk", risk, TEXT_MAX_CHARACTERS, "risk")
    controls_text = _text(errors, "controls", controls, CONTROLS_MAX_CHARACTERS, "controls")
    for field, value in (("likelihood", likelihood), ("impact", impact)):
        if value not in Level.values:
            errors[field] = f"Choose the {field} from 1 (very low) to 5 (very high)."
    if errors:
        raise ValidationFailed(errors)
    who = _owner(actor, owner)
    with transaction.atomic():
        locked = _locked(actor, review)
        added = ReviewRisk.objects.create(
            review=locked,
            risk=text,
            likelihood=likelihood,
            impact=impact,
            controls=controls_text,
            owner=who,
            review_on=review_on,
        )
        _changed(actor, locked, "risk_added", risk=added.pk)
    return added


@logged
def annual_review_action_add(
    *, actor: User, review: AnnualReview, action: str, owner: User | None, due_on: date
) -> ReviewAction:
    """Add an action the review sets, with its owner and the day it is due."""
    errors: dict[str, str] = {}
    text = _text(errors, "action", action, TEXT_MAX_CHARACTERS, "action")
    if errors:
        raise ValidationFailed(errors)
    who = _owner(actor, owner)
    with transaction.atomic():
        locked = _locked(actor, review)
        added = ReviewAction.objects.create(review=locked, action=text, owner=who, due_on=due_on)
        _changed(actor, locked, "action_added", action=added.pk)
    return added


@logged
def annual_review_action_done(
    *, actor: User, review: AnnualReview, action_id: int, done_on: date
) -> ReviewAction:
    """Record that an action of the review is done."""
    with transaction.atomic():
        locked = _locked(actor, review)
        action = ReviewAction.objects.filter(review=locked, pk=action_id).first()
        if action is None:
            raise NotFound("No such action in this review.")
        action.done_on = done_on
        action.save(update_fields=["done_on"])
        _changed(actor, locked, "action_done", action=action.pk)
    return action


@logged
def annual_review_findings_save(*, actor: User, review: AnnualReview, findings: str) -> None:
    """Save the DSL's findings (they replace those saved before, in this version)."""
    text = findings.strip()
    if len(text) > FINDINGS_MAX_CHARACTERS:
        raise ValidationFailed(
            {
                "findings": (
                    f"The findings are {len(text)} characters long; shorten them to "
                    f"{FINDINGS_MAX_CHARACTERS}."
                )
            }
        )
    with transaction.atomic():
        locked = _locked(actor, review)
        locked.findings = text
        locked.save(update_fields=["findings", "updated_at"])
        _changed(actor, locked, "findings_saved", characters=len(text))


def holds_champion_post(user: User) -> bool:
    return TeamPost.objects.filter(
        organisation_id=user.organisation_id, post=Post.CHAMPION, user=user
    ).exists()


@logged
def annual_review_sign_off(*, actor: User, review: AnnualReview) -> AnnualReview:
    """The board's safeguarding champion signs the version off: from then it is not changed."""
    require(actor, Permission.SIGN_OFF_ANNUAL_REVIEW)
    require_same_organisation(actor, review)
    if not holds_champion_post(actor):
        raise ValidationFailed(
            {
                "review": (
                    "Only the board's safeguarding champion signs the review off: the champion "
                    "is named on the Safeguarding team page."
                )
            }
        )
    with transaction.atomic():
        locked = AnnualReview.objects.select_for_update().get(pk=review.pk)
        _refuse_if_signed_off(locked)
        errors = {}
        if not locked.findings:
            errors["findings"] = "The DSL writes the findings before the review is signed off."
        if not locked.risks.exists():
            errors["risks"] = "Add the risk assessment's risks before the review is signed off."
        if errors:
            raise ValidationFailed(errors)
        locked.signed_off_by = actor
        locked.signed_off_at = timezone.now()
        locked.save(update_fields=["signed_off_by", "signed_off_at", "updated_at"])
        record(
            action=AuditAction.ANNUAL_REVIEW_SIGNED_OFF,
            actor=actor,
            obj=locked,
            data={"year": locked.year, "version": locked.version},
        )
    return locked


@logged
def annual_review_new_version(*, actor: User, review: AnnualReview) -> AnnualReview:
    """Begin a new version of a signed-off review, as a copy of it (risks, findings, actions)."""
    require(actor, Permission.WRITE_ANNUAL_REVIEW)
    require_same_organisation(actor, review)
    latest = (
        AnnualReview.objects.filter(organisation_id=review.organisation_id, year=review.year)
        .order_by("-version")
        .first()
    )
    if latest is None:
        raise NotFound("No such review.")
    if not latest.signed_off:
        raise ValidationFailed(
            {"review": f"Version {latest.version} is still being written: change that one."}
        )
    try:
        with transaction.atomic():
            new = AnnualReview.objects.create(
                organisation_id=latest.organisation_id,
                year=latest.year,
                version=latest.version + 1,
                findings=latest.findings,
                created_by=actor,
            )
            for risk in latest.risks.all():
                _copy_risk(risk, new)
            for action in latest.actions.all():
                ReviewAction.objects.create(
                    review=new,
                    action=action.action,
                    owner=action.owner,
                    due_on=action.due_on,
                    done_on=action.done_on,
                    carried_from_year=action.carried_from_year,
                )
            record(
                action=AuditAction.ANNUAL_REVIEW_STARTED,
                actor=actor,
                obj=new,
                data={"year": new.year, "version": new.version, "from_version": latest.version},
            )
    except IntegrityError as error:
        raise ValidationFailed(
            {"review": "A new version was begun a moment ago: open it from the list."}
        ) from error
    return new

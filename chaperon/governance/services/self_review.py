"""The self-review (ORG-8): every aspect rated on a day, kept as made."""

from datetime import date

from django.db import transaction

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.models import Organisation, User
from chaperon.people.permissions import require
from chaperon.people.roles import Permission

from ..models import SelfReview, SelfReviewAction, SelfReviewRating
from ..self_review import (
    ACTION_MAX_CHARACTERS,
    ASPECT_KEYS,
    ASPECTS,
    COMMENTARY_MAX_CHARACTERS,
    LEVELS,
)


@logged
def self_review_record(
    *,
    actor: User,
    reviewed_on: date,
    ratings: dict[str, tuple[int | None, str]],
) -> SelfReview:
    """Record a self-review of the actor's organisation: ``ratings`` gives each aspect's key
    its level (1 to 5) and commentary. Every aspect is rated, or nothing is saved."""
    require(actor, Permission.MAKE_SELF_REVIEW)
    organisation = Organisation.objects.get(pk=actor.organisation_id)
    errors: dict[str, str] = {}
    if reviewed_on > organisation.today():
        errors["reviewed_on"] = "Give today's date or an earlier one: the review is of what is."
    for aspect in ASPECTS:
        level, commentary = ratings.get(aspect.key, (None, ""))
        if level not in LEVELS:
            errors[f"{aspect.key}_level"] = (
                f"Rate {aspect.title.lower()}: choose a level from 1 to 5."
            )
        if len(commentary.strip()) > COMMENTARY_MAX_CHARACTERS:
            errors[f"{aspect.key}_commentary"] = (
                f"The commentary is {len(commentary.strip())} characters long; shorten it to "
                f"{COMMENTARY_MAX_CHARACTERS}."
            )
    unknown = sorted(set(ratings) - {aspect.key for aspect in ASPECTS})
    if unknown:
        errors["ratings"] = f"Not aspects of the self-review: {', '.join(unknown)}."
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        # Locking the last review makes a second review made at the same moment wait, and then
        # find its open actions already carried: each is carried once.
        last = SelfReview.objects.filter(organisation=organisation).order_by("-reviewed_on", "-pk")
        carried_from = last.select_for_update().first()
        review = SelfReview.objects.create(
            organisation=organisation, reviewed_on=reviewed_on, reviewed_by=actor
        )
        SelfReviewRating.objects.bulk_create(
            SelfReviewRating(
                review=review,
                aspect=aspect.key,
                level=ratings[aspect.key][0] or 0,  # checked above: 1 to 5
                commentary=ratings[aspect.key][1].strip(),
            )
            for aspect in ASPECTS
        )
        carried = _carry_open_actions(carried_from, review)
        record(
            action=AuditAction.SELF_REVIEW_RECORDED,
            actor=actor,
            obj=review,
            data={
                "reviewed_on": reviewed_on.isoformat(),
                "mean": _mean(ratings),
                "actions_carried": carried,
            },
        )
    return review


def _carry_open_actions(last: SelfReview | None, review: SelfReview) -> list[int]:
    """Copy the last review's actions not yet done into ``review``; the ids of those carried."""
    if last is None:
        return []
    open_actions = list(last.actions.filter(done_on__isnull=True, carried_to__isnull=True))
    SelfReviewAction.objects.bulk_create(
        SelfReviewAction(
            review=review,
            aspect=old.aspect,
            action=old.action,
            owner_id=old.owner_id,
            due_on=old.due_on,
            carried_from=old,
        )
        for old in open_actions
    )
    return [old.pk for old in open_actions]


@logged
def self_review_action_add(
    *,
    actor: User,
    review: SelfReview,
    aspect: str,
    action: str,
    owner: User | None,
    due_on: date | None,
) -> SelfReviewAction:
    """Add an action to the plan of ``review`` for one aspect. The owner must be a current
    member of staff of the review's organisation."""
    require(actor, Permission.MAKE_SELF_REVIEW)
    _same_organisation(actor, review)
    errors: dict[str, str] = {}
    text = action.strip()
    if aspect not in ASPECT_KEYS:
        errors["aspect"] = "Choose the aspect the action is for."
    if not text or "\n" in text or "\r" in text:
        errors["action"] = "Say what is to be done, on one line."
    elif len(text) > ACTION_MAX_CHARACTERS:
        errors["action"] = (
            f"The action is {len(text)} characters long; shorten it to {ACTION_MAX_CHARACTERS}."
        )
    if not _is_current_staff(owner, review.organisation_id):
        errors["owner"] = "Choose the member of staff who owns it (search by name)."
    if due_on is None:
        errors["due_on"] = "Give the day it is due by."
    elif due_on < review.reviewed_on:
        errors["due_on"] = (
            f"Give a due day on or after the review's day, {review.reviewed_on:%d/%m/%Y}."
        )
    if errors or owner is None or due_on is None:  # the last two named in errors
        raise ValidationFailed(errors)
    with transaction.atomic():
        added = SelfReviewAction.objects.create(
            review=review, aspect=aspect, action=text, owner=owner, due_on=due_on
        )
        record(
            action=AuditAction.SELF_REVIEW_ACTION_ADDED,
            actor=actor,
            obj=review,
            data={
                "action": added.pk,
                "aspect": aspect,
                "owner": owner.pk,
                "due_on": due_on.isoformat(),
            },
        )
    return added


@logged
def self_review_action_mark(
    *, actor: User, review: SelfReview, action_id: int, done: bool
) -> SelfReviewAction:
    """Mark an action of ``review`` done (today, in the organisation's time) or not done."""
    require(actor, Permission.MAKE_SELF_REVIEW)
    _same_organisation(actor, review)
    with transaction.atomic():
        action = (
            SelfReviewAction.objects.select_for_update().filter(review=review, pk=action_id).first()
        )
        if action is None:
            raise ValidationFailed({"action": "No such action in this self-review's plan."})
        if action.carried_to.exists():
            raise ValidationFailed(
                {"action": "This action was carried into a later self-review: mark it there."}
            )
        action.done_on = review.organisation.today() if done else None
        action.save(update_fields=["done_on"])
        record(
            action=AuditAction.SELF_REVIEW_ACTION_CHANGED,
            actor=actor,
            obj=review,
            data={"action": action.pk, "done": done},
        )
    return action


def _same_organisation(actor: User, review: SelfReview) -> None:
    if review.organisation_id != actor.organisation_id:
        raise PermissionDenied("Not a self-review of your organisation.")


def _is_current_staff(owner: User | None, organisation_id: int) -> bool:
    return (
        owner is not None
        and owner.organisation_id == organisation_id
        and owner.is_active
        and hasattr(owner, "staff")
    )


def _mean(ratings: dict[str, tuple[int | None, str]]) -> float:
    levels = [level for level, _ in ratings.values() if level is not None]
    return round(sum(levels) / len(levels), 1) if levels else 0.0

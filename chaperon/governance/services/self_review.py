"""The self-review (ORG-8): every aspect rated on a day, kept as made."""

from datetime import date

from django.db import transaction

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.models import Organisation, User
from chaperon.people.permissions import require
from chaperon.people.roles import Permission

from ..models import SelfReview, SelfReviewRating
from ..self_review import ASPECTS, COMMENTARY_MAX_CHARACTERS, LEVELS


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
        record(
            action=AuditAction.SELF_REVIEW_RECORDED,
            actor=actor,
            obj=review,
            data={"reviewed_on": reviewed_on.isoformat(), "mean": _mean(ratings)},
        )
    return review


def _mean(ratings: dict[str, tuple[int | None, str]]) -> float:
    levels = [level for level, _ in ratings.values() if level is not None]
    return round(sum(levels) / len(levels), 1) if levels else 0.0

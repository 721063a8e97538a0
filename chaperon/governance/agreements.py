"""Which acceptable use agreement is in force, and whether someone has agreed to it (ORG-2):
reads the services, the middleware and the pages share."""

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.actors import PUBLIC
from chaperon.people.models import Guardian, GuardianRelationship, Learner, User
from chaperon.people.selectors import staff_member_of

from .audiences import POST16_FROM_AGE, SECONDARY_FROM_AGE, born_by
from .aup_links import LINK_ACTOR
from .models import Audience, AupRequest, AupVersion


def current_version(organisation_id: int, audience: str) -> AupVersion | None:
    """The version in force for ``audience``: the latest published."""
    return (
        AupVersion.objects.filter(organisation_id=organisation_id, audience=audience)
        .order_by("-number")
        .first()
    )


def has_signed_current(user: User) -> bool:
    """Whether ``user`` has signed the staff agreement in force: True when there is none, or
    when they are not staff (the staff agreement is not theirs to sign)."""
    version = current_version(user.organisation_id, Audience.STAFF)
    if version is None or version.signatures.filter(user=user).exists():
        return True
    return staff_member_of(user) is None


def learners_in_audience(organisation_id: int, audience: str, today: date) -> QuerySet[Learner]:
    """The organisation's current learners whose agreement is ``audience``'s (see
    ``audiences``): the rule as a query, so that no learner is read to be sorted."""
    post16 = Q(adult_at_risk=True) | Q(date_of_birth__lte=born_by(today, POST16_FROM_AGE))
    secondary = Q(date_of_birth__lte=born_by(today, SECONDARY_FROM_AGE))
    rule = {
        Audience.LEARNER_POST16: post16,
        Audience.LEARNER_SECONDARY: ~post16 & secondary,
        Audience.LEARNER_PRIMARY: ~post16 & ~secondary,
    }[Audience(audience)]
    return Learner.objects.filter(rule, organisation_id=organisation_id, left_on__isnull=True)


def guardians_of_current_learners(organisation_id: int) -> QuerySet[Guardian]:
    """The parents and carers the parents' agreement is for: those of a current learner."""
    of_current = GuardianRelationship.objects.filter(
        guardian=OuterRef("pk"), learner__left_on__isnull=True
    )
    return Guardian.objects.filter(Exists(of_current), organisation_id=organisation_id)


def agreement_link_opened(aup_request: AupRequest) -> None:
    """Opening a personal link shows a learner's name: audited as consent links are."""
    record(
        action=AuditAction.AUP_LINK_OPENED,
        actor=PUBLIC,
        actor_label=LINK_ACTOR,
        obj=aup_request,
        data={"learner": aup_request.learner_id, "guardian": aup_request.guardian_id},
    )

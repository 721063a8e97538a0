"""A member of staff who left years ago with training and agreement records, a learner with
a child protection file, consent answers given on a day, and reads of what is there, for the
retention tests."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from chaperon.audit.models import AuditEvent
from chaperon.concerns.models import Concern, Status
from chaperon.concerns.services import concern_raise
from chaperon.consent.models import Answer, Channel, Consent, ConsentEvidence
from chaperon.core.actors import SYSTEM
from chaperon.core.pure.dates import add_years
from chaperon.governance.models import Audience, AupSignature, TrainingCompletion
from chaperon.governance.services import (
    aup_publish,
    aup_sign,
    training_completion_record,
    training_courses_ensure,
)
from chaperon.people.models import Learner, StaffMember, User
from chaperon.retention.models import (
    RetentionDestruction,
    RetentionHold,
    RetentionPeriod,
    RetentionReview,
)
from tests import factories
from tests.conftest import Cast


def left_years_ago(cast: Cast, user: User, years: int, *, days: int = 0) -> StaffMember:
    """``user`` completed a course and signed the staff agreement, then left ``years`` years
    (and ``days`` days) before today."""
    staff = user.staff
    courses = training_courses_ensure(actor=SYSTEM, organisation=cast.organisation)
    training_completion_record(
        actor=cast.dsl,
        staff=staff,
        course_id=courses[0].pk,
        completed_on=cast.organisation.today() - timedelta(days=30),
        certificate="Certificate 4471",
    )
    version = AupSignature.objects.filter(user=user).first()
    if version is None:
        published = aup_publish(
            actor=SYSTEM,
            organisation=cast.organisation,
            audience=Audience.STAFF,
            title="Staff acceptable use agreement",
            text="I use only my school account.",
        )
        aup_sign(actor=user, version_id=published.pk)
        # The DSL has agreed too, so that their pages open.
        aup_sign(actor=cast.dsl, version_id=published.pk)
    left = add_years(cast.organisation.today(), -years) - timedelta(days=days)
    StaffMember.objects.filter(pk=staff.pk).update(left_on=left)
    staff.refresh_from_db()
    return staff


def learner_with_file(cast: Cast, born: date, *, first_name: str = "Alex") -> Learner:
    learner = factories.learner(cast.organisation, first_name=first_name, date_of_birth=born)
    concern_raise(
        actor=cast.teacher,
        organisation=cast.organisation,
        description="Said in a lesson that an older friend asks for photos.",
        learner=learner,
    )
    return learner


def close_cases_about(*, learner: Learner | None = None, user: User | None = None) -> None:
    """The cases about a learner or a member of staff closed, as the close service leaves
    their status."""
    if user is not None:
        cases = Concern.objects.filter(subject_staff=user)
    else:
        cases = Concern.objects.filter(learner=learner)
    cases.update(status=Status.CLOSED, closed_at=timezone.now())


def snapshot(staff: StaffMember) -> dict[str, int]:
    """Everything a refused destruction must leave as it was."""
    return {
        "completions": TrainingCompletion.objects.filter(staff=staff).count(),
        "signatures": AupSignature.objects.filter(user_id=staff.user_id).count(),
        "certificates": RetentionDestruction.objects.count(),
        "events": AuditEvent.objects.count(),
        "holds": RetentionHold.objects.count(),
        "periods": RetentionPeriod.objects.count(),
        "reviews": RetentionReview.objects.count(),
    }


def at_noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def answered(learner: Learner, on: date, *purposes: str) -> ConsentEvidence:
    """An answer given on ``on`` for ``purposes``, replacing the learner's current answers for
    them (which end that day)."""
    evidence = ConsentEvidence.objects.create(
        organisation=learner.organisation,
        learner=learner,
        kind="answer",
        answered_by_name="Pat Example",
        channel=Channel.PAPER,
        answered_at=at_noon(on),
        given_on=on,
    )
    for purpose in purposes:
        Consent.objects.filter(learner=learner, purpose=purpose, superseded_at__isnull=True).update(
            superseded_at=at_noon(on)
        )
        Consent.objects.create(
            organisation=learner.organisation,
            learner=learner,
            evidence=evidence,
            purpose=purpose,
            answer=Answer.GIVEN,
        )
    return evidence

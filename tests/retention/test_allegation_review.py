"""Allegations about staff come to the DSL's review (LOG-2): at the later of the person's normal
retirement age and ten years from the allegation, whatever its outcome unless it was found
malicious (then at once, to be taken off the personnel record); never by themselves while the
person's date of birth is unknown; and an open allegation about them blocks anything but
keeping or holding."""

from datetime import date, timedelta

import pytest

from chaperon.audit.models import AuditEvent
from chaperon.concerns import services as concerns
from chaperon.concerns.models import Concern
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.core.pure.dates import add_years
from chaperon.core.pure.retention import Kind
from chaperon.people.models import StaffMember
from chaperon.retention import services
from chaperon.retention.models import RetentionReview
from chaperon.retention.selectors import due_for_review, due_rows
from tests.concerns.helpers import public_concern
from tests.conftest import Cast, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.clause("LOG-2")]


def _allegation(cast: Cast, *, outcome: str | None) -> Concern:
    """A report about the teacher, re-classified as an allegation, closed with ``outcome``
    (left open when None)."""
    concern = concerns.concern_reclassify_as_allegation(
        actor=cast.dsl,
        concern=public_concern(
            cast.organisation,
            reporter_name="Sky Rowan",
            reporter_relation="parent",
            about_name="the class teacher",
            description="The teacher shouted at the class and threw a book.",
        ),
        subject_staff=cast.teacher,
        reason="The report is about a member of staff's conduct.",
    )
    if outcome is None:
        return concern
    concerns.concern_acknowledge(actor=cast.dsl, concern=concern)
    return concerns.concern_close(
        actor=cast.dsl,
        concern=concern,
        responses={},
        reporter_told="Told in person",
        open_steps_reason="The designated officer closed it",
        allegation_outcome=outcome,
    )


def _born(cast: Cast, day: date | None) -> StaffMember:
    StaffMember.objects.filter(user=cast.teacher).update(date_of_birth=day)
    return StaffMember.objects.get(user=cast.teacher)


def _listed(cast: Cast, today: date) -> list[int]:
    return list(
        due_for_review(cast.organisation, Kind.ALLEGATION, today).values_list("pk", flat=True)
    )


def test_ten_years_from_the_allegation_when_that_is_later_than_retirement(cast: Cast) -> None:
    today = cast.organisation.today()
    # Retirement (67) falls five years from now: ten years from the allegation is later.
    staff = _born(cast, add_years(today, 5 - 67))
    _allegation(cast, outcome="unsubstantiated")
    due_on = add_years(today, 10)

    assert _listed(cast, due_on - timedelta(days=1)) == []
    assert _listed(cast, due_on) == [staff.pk]
    [row] = due_rows(
        cast.organisation,
        Kind.ALLEGATION,
        due_for_review(cast.organisation, Kind.ALLEGATION, due_on),
    )
    assert (row.due_on, row.name, row.destroys, row.may_keep) == (
        due_on,
        cast.teacher.full_name,
        False,
        True,
    )


def test_retirement_age_when_that_is_later(cast: Cast) -> None:
    today = cast.organisation.today()
    born = add_years(today, 12 - 67)  # 67 twelve years from now
    staff = _born(cast, born)
    _allegation(cast, outcome="substantiated")
    retires = add_years(born, 67)

    assert _listed(cast, add_years(today, 10)) == []
    assert _listed(cast, retires - timedelta(days=1)) == []
    assert _listed(cast, retires) == [staff.pk]


@pytest.mark.parametrize("outcome", ["unfounded", "false", "unsubstantiated"])
def test_unfounded_false_and_unsubstantiated_allegations_keep_the_full_period(
    cast: Cast, outcome: str
) -> None:
    today = cast.organisation.today()
    _born(cast, add_years(today, -60))
    _allegation(cast, outcome=outcome)
    assert _listed(cast, add_years(today, 10) - timedelta(days=1)) == []
    assert _listed(cast, add_years(today, 10)) != []


def test_a_malicious_allegation_comes_to_review_at_once(cast: Cast) -> None:
    _born(cast, None)  # even without a date of birth
    _allegation(cast, outcome="malicious")
    today = cast.organisation.today()
    assert _listed(cast, today - timedelta(days=1)) == []
    assert _listed(cast, today) == [StaffMember.objects.get(user=cast.teacher).pk]


def test_without_a_date_of_birth_an_allegation_never_comes_by_itself(cast: Cast) -> None:
    _born(cast, None)
    _allegation(cast, outcome="substantiated")
    assert _listed(cast, add_years(cast.organisation.today(), 60)) == []


def test_an_open_allegation_shows_as_blocking_and_an_open_one_alone_is_not_due(
    cast: Cast,
) -> None:
    _born(cast, None)
    _allegation(cast, outcome=None)
    today = cast.organisation.today()
    assert _listed(cast, add_years(today, 60)) == []
    _allegation(cast, outcome="malicious")
    [row] = due_rows(
        cast.organisation,
        Kind.ALLEGATION,
        due_for_review(cast.organisation, Kind.ALLEGATION, today),
    )
    assert row.open_case and row.blocked == "An open case is about them"


def test_the_dsl_keeps_a_reviewed_allegation_record_and_it_leaves_the_list(cast: Cast) -> None:
    _born(cast, None)
    _allegation(cast, outcome="malicious")
    staff = StaffMember.objects.get(user=cast.teacher)
    dsl = signed_in(cast.dsl)
    page = dsl.get("/retention/review/?kind=allegation")
    assert page.status_code == 200
    assert cast.teacher.full_name in page.content.decode()

    keep_until = cast.organisation.today() + timedelta(days=30)
    kept = dsl.post(
        "/retention/review/keep/",
        {
            "kind": "allegation",
            "staff_id": staff.pk,
            "keep_until": keep_until.isoformat(),
            "reason": "Taken off the personnel record; the case file stays with the LADO's.",
        },
    )
    assert kept.status_code == 302
    review = RetentionReview.objects.get(kind="allegation", staff=staff)
    assert review.keep_until == keep_until
    assert _listed(cast, cast.organisation.today()) == []
    assert _listed(cast, keep_until) == [staff.pk]


def test_keeping_an_allegation_record_not_yet_due_or_by_a_teacher_is_refused(cast: Cast) -> None:
    _born(cast, add_years(cast.organisation.today(), -40))
    _allegation(cast, outcome="substantiated")
    staff = StaffMember.objects.get(user=cast.teacher)
    reviews, events = RetentionReview.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.retention_review_keep(
            actor=cast.dsl,
            kind="allegation",
            keep_until=cast.organisation.today() + timedelta(days=30),
            reason="Kept while the case is reviewed.",
            staff_id=staff.pk,
        )
    assert refused.value.errors == {"kind": "this record has not come to review"}
    with pytest.raises(PermissionDenied):
        services.retention_review_keep(
            actor=cast.teacher,
            kind="allegation",
            keep_until=cast.organisation.today() + timedelta(days=30),
            reason="Kept.",
            staff_id=staff.pk,
        )
    assert (RetentionReview.objects.count(), AuditEvent.objects.count()) == (reviews, events)

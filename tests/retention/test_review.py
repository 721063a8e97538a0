"""The DSL's review of records due under the schedule (LOG-2, INC-8, ORG-7): a child
protection file on the 25th birthday (29 February included), kept longer only with a reason;
holds and open cases shown; the organisation's own periods, longer freely and shorter only
with a reason that is kept, audited and shown; the register reads the schedule."""

from datetime import date, timedelta

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.core.pure.dates import add_years
from chaperon.core.pure.retention import Kind
from chaperon.governance.register import register_rows
from chaperon.retention.models import RetentionPeriod, RetentionReview
from chaperon.retention.selectors import due_for_review, due_rows
from chaperon.retention.services import (
    retention_hold_place,
    retention_period_set,
    retention_review_keep,
)
from tests.conftest import Cast
from tests.retention.helpers import close_cases_about, learner_with_file

pytestmark = [
    pytest.mark.clause("LOG-2"),
    pytest.mark.clause("INC-8"),
    pytest.mark.clause("ORG-7"),
]


def _due(cast: Cast, today: date, kind: Kind = Kind.CONCERN_FILE) -> list[str]:
    return [
        row.name
        for row in due_rows(cast.organisation, kind, due_for_review(cast.organisation, kind, today))
    ]


def test_a_child_protection_file_comes_to_review_on_the_25th_birthday(cast: Cast) -> None:
    learner_with_file(cast, date(2001, 6, 14), first_name="Ari")

    assert _due(cast, date(2026, 6, 13)) == []
    assert [name.split()[0] for name in _due(cast, date(2026, 6, 14))] == ["Ari"]


def test_a_learner_born_on_29_february_comes_to_review_on_1_march(cast: Cast) -> None:
    learner = learner_with_file(cast, date(2004, 2, 29), first_name="Leap")

    assert _due(cast, date(2029, 2, 28)) == []
    [row] = due_rows(
        cast.organisation,
        Kind.CONCERN_FILE,
        due_for_review(cast.organisation, Kind.CONCERN_FILE, date(2029, 3, 1)),
    )
    assert row.subject == learner
    assert row.due_on == date(2029, 3, 1)


def test_a_learner_with_no_concern_on_file_is_not_listed(cast: Cast) -> None:
    assert cast.learner.date_of_birth < date(2020, 1, 1)

    assert _due(cast, date(2090, 1, 1)) == []


def test_holds_and_open_cases_are_shown_on_the_list(cast: Cast) -> None:
    learner = learner_with_file(cast, date(2001, 1, 1))
    today = date(2026, 6, 1)

    [row] = due_rows(
        cast.organisation,
        Kind.CONCERN_FILE,
        due_for_review(cast.organisation, Kind.CONCERN_FILE, today),
    )
    assert row.open_case and not row.held
    assert row.blocked == "An open case is about them"

    close_cases_about(learner=learner)
    retention_hold_place(actor=cast.dsl, learner_id=learner.pk, reason="A police inquiry asked.")
    [row] = due_rows(
        cast.organisation,
        Kind.CONCERN_FILE,
        due_for_review(cast.organisation, Kind.CONCERN_FILE, today),
    )
    assert row.held and not row.open_case
    assert row.blocked.startswith("Held")


def test_the_dsl_keeps_a_file_longer_with_a_reason_and_it_returns_on_that_day(
    cast: Cast,
) -> None:
    today = cast.organisation.today()
    learner = learner_with_file(cast, add_years(today, -25) - timedelta(days=1))
    keep_until = today + timedelta(days=365)

    review = retention_review_keep(
        actor=cast.dsl,
        kind=Kind.CONCERN_FILE,
        learner_id=learner.pk,
        keep_until=keep_until,
        reason="A sibling's case still open refers to this file.",
    )

    assert review.keep_until == keep_until
    assert _due(cast, today) == []
    assert _due(cast, keep_until) == [learner.full_name]
    event = AuditEvent.objects.get(action=AuditAction.RETENTION_REVIEWED)
    assert event.reason == review.reason


def test_a_review_without_a_reason_or_of_a_record_not_due_changes_nothing(cast: Cast) -> None:
    today = cast.organisation.today()
    due = learner_with_file(cast, add_years(today, -26))
    young = learner_with_file(cast, date(2012, 1, 1))
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationFailed) as refused:
        retention_review_keep(
            actor=cast.dsl,
            kind=Kind.CONCERN_FILE,
            learner_id=due.pk,
            keep_until=today,
            reason=" ",
        )
    assert set(refused.value.errors) == {"reason", "keep_until"}
    with pytest.raises(ValidationFailed) as refused:
        retention_review_keep(
            actor=cast.dsl,
            kind=Kind.CONCERN_FILE,
            learner_id=young.pk,
            keep_until=today + timedelta(days=3),
            reason="Kept.",
        )
    assert "not come to review" in refused.value.errors["kind"]

    assert not RetentionReview.objects.exists()
    assert AuditEvent.objects.count() == events


def test_the_organisation_may_lengthen_a_period_without_a_reason(cast: Cast) -> None:
    learner_with_file(cast, date(2001, 6, 14))

    period = retention_period_set(actor=cast.dsl, kind=Kind.CONCERN_FILE, years=30, reason="")

    assert period.years == 30
    assert _due(cast, date(2026, 6, 14)) == []
    assert len(_due(cast, date(2031, 6, 14))) == 1
    event = AuditEvent.objects.get(action=AuditAction.RETENTION_PERIOD_SET)
    assert event.object_id == str(period.pk)


def test_shortening_below_the_schedule_needs_a_reason_which_is_kept(cast: Cast) -> None:
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationFailed) as refused:
        retention_period_set(actor=cast.dsl, kind=Kind.AUP_AND_TRAINING, years=4, reason="")

    assert "shorter than the schedule's 6" in refused.value.errors["reason"]
    assert not RetentionPeriod.objects.exists()
    assert AuditEvent.objects.count() == events

    retention_period_set(
        actor=cast.dsl,
        kind=Kind.AUP_AND_TRAINING,
        years=4,
        reason="The trust's HR service keeps the personnel file; ours is a copy.",
    )
    period = RetentionPeriod.objects.get()
    assert period.reason.startswith("The trust's HR service")
    event = AuditEvent.objects.get(action=AuditAction.RETENTION_PERIOD_SET)
    assert event.reason == period.reason


@pytest.mark.parametrize("kind", [Kind.RECORDING, Kind.MEETING_RECORD, Kind.AUDIT_LOG])
def test_a_period_the_schedule_does_not_set_in_years_is_not_set_here(
    cast: Cast, kind: Kind
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        retention_period_set(actor=cast.dsl, kind=kind, years=50, reason="Kept for good.")

    assert "kind" in refused.value.errors
    assert not RetentionPeriod.objects.exists()


@pytest.mark.parametrize("who", ["deputy", "slt", "teacher", "admin"])
def test_only_the_dsl_sets_periods_holds_and_reviews(cast: Cast, who: str) -> None:
    learner = learner_with_file(cast, date(2000, 1, 1))
    events = AuditEvent.objects.count()
    actor = cast.user(who)

    with pytest.raises(PermissionDenied):
        retention_period_set(actor=actor, kind=Kind.CONCERN_FILE, years=30, reason="")
    with pytest.raises(PermissionDenied):
        retention_hold_place(actor=actor, learner_id=learner.pk, reason="Kept.")
    with pytest.raises(PermissionDenied):
        retention_review_keep(
            actor=actor,
            kind=Kind.CONCERN_FILE,
            learner_id=learner.pk,
            keep_until=date(2100, 1, 1),
            reason="Kept.",
        )

    assert AuditEvent.objects.count() == events
    assert not RetentionPeriod.objects.exists()


def test_the_register_of_personal_information_reads_the_schedule(cast: Cast) -> None:
    def rows() -> dict[str, str]:
        return {row.model_label: row.retention for row in register_rows(cast.organisation)}

    assert "date of birth plus 25 years" in rows()["concerns.concern"]
    assert "6 years from the member of staff leaving" in rows()["governance.trainingcompletion"]

    retention_period_set(actor=cast.dsl, kind=Kind.CONCERN_FILE, years=30, reason="")

    assert "date of birth plus 30 years" in rows()["concerns.concern"]

"""The schedule's rules on their boundary dates (LOG-2): the day before a record is due, the
day it is due, a learner born on 29 February, a member of staff who left, and an allegation
found unfounded or malicious. Plain dates: no database."""

from datetime import date, timedelta

import pytest

from chaperon.core.pure.retention import (
    BY_KIND,
    SCHEDULE,
    Action,
    AllegationOutcome,
    Kind,
    allegation_due,
    anniversary,
    from_birth_due,
    from_event_due,
    is_due,
    latest_due_start,
    period_years,
    shortens,
)

pytestmark = [pytest.mark.clause("LOG-2"), pytest.mark.clause("ORG-7")]


def test_every_kind_is_in_the_schedule_once_with_a_basis_and_an_action() -> None:
    assert [entry.kind for entry in SCHEDULE] == list(Kind)
    for entry in SCHEDULE:
        assert entry.basis and entry.label
        assert entry.action in (Action.DESTROY, Action.REVIEW)


def test_a_child_protection_file_comes_to_review_on_the_25th_birthday() -> None:
    born = date(2001, 6, 14)

    due = from_birth_due(born)

    assert due == date(2026, 6, 14)
    assert not is_due(due, date(2026, 6, 13))
    assert is_due(due, date(2026, 6, 14))
    assert BY_KIND[Kind.CONCERN_FILE].action is Action.REVIEW


def test_a_learner_born_on_29_february_comes_to_review_on_1_march_in_a_common_year() -> None:
    born = date(2004, 2, 29)

    due = from_birth_due(born)

    assert due == date(2029, 3, 1)
    assert not is_due(due, date(2029, 2, 28))
    assert is_due(due, date(2029, 3, 1))


def test_a_learner_born_on_29_february_comes_to_review_on_29_february_in_a_leap_year() -> None:
    assert from_birth_due(date(2000, 2, 29), 28) == date(2028, 2, 29)
    assert anniversary(date(2000, 2, 29), 25) == date(2025, 3, 1)


@pytest.mark.parametrize("years", [1, 6, 25, 30])
def test_the_database_cut_off_agrees_with_the_due_date_for_every_day(years: int) -> None:
    """A selector finds due records by ``start <= latest_due_start(today)``: over four years of
    days, leap days included, that is exactly the records whose due date has come."""
    for today in [date(2028, 2, 28), date(2028, 2, 29), date(2028, 3, 1), date(2029, 2, 28)]:
        first = date(today.year - years - 2, 1, 1)
        cut_off = latest_due_start(today, years)
        for offset in range(4 * 366):
            start = first + timedelta(days=offset)
            assert (start <= cut_off) == is_due(from_event_due(start, years), today), (
                today,
                start,
            )


def test_training_and_agreements_of_someone_who_left_are_due_six_years_after_they_left() -> None:
    left = date(2020, 8, 31)
    years = BY_KIND[Kind.AUP_AND_TRAINING].years
    assert years == 6

    due = from_event_due(left, years)

    assert due == date(2026, 8, 31)
    assert not is_due(due, date(2026, 8, 30))
    assert is_due(due, date(2026, 8, 31))
    assert BY_KIND[Kind.AUP_AND_TRAINING].action is Action.DESTROY
    assert BY_KIND[Kind.PEOPLE_WHO_LEFT].action is Action.REVIEW


def test_someone_who_left_on_29_february_is_due_on_1_march() -> None:
    assert from_event_due(date(2024, 2, 29), 6) == date(2030, 3, 1)


def test_an_allegation_is_kept_ten_years_when_that_is_later_than_retirement() -> None:
    due = allegation_due(alleged_on=date(2026, 3, 2), date_of_birth=date(1962, 5, 1))

    assert due == date(2036, 3, 2)  # 67 on 1 May 2029, earlier than ten years on


def test_an_allegation_is_kept_to_retirement_age_when_that_is_later() -> None:
    due = allegation_due(alleged_on=date(2026, 3, 2), date_of_birth=date(1990, 2, 28))

    assert due == date(2057, 2, 28)
    assert not is_due(due, date(2057, 2, 27))
    assert is_due(due, date(2057, 2, 28))


def test_the_retirement_age_is_a_setting() -> None:
    due = allegation_due(
        alleged_on=date(2026, 3, 2), date_of_birth=date(1990, 2, 28), retirement_age=68
    )

    assert due == date(2058, 2, 28)


@pytest.mark.parametrize(
    "outcome",
    [
        AllegationOutcome.UNFOUNDED,
        AllegationOutcome.UNSUBSTANTIATED,
        AllegationOutcome.FALSE,
        AllegationOutcome.SUBSTANTIATED,
    ],
)
def test_an_unfounded_allegation_keeps_the_full_period(outcome: AllegationOutcome) -> None:
    born, alleged = date(1980, 2, 29), date(2026, 1, 15)

    due = allegation_due(
        alleged_on=alleged, date_of_birth=born, outcome=outcome, found_on=date(2026, 4, 1)
    )

    assert due == allegation_due(alleged_on=alleged, date_of_birth=born)
    assert due == date(2047, 3, 1)  # 67 on 1 March 2047, born on 29 February
    assert not is_due(due, date(2047, 2, 28))


def test_a_malicious_allegation_comes_to_review_the_day_it_is_found_malicious() -> None:
    due = allegation_due(
        alleged_on=date(2026, 1, 15),
        date_of_birth=date(1980, 1, 1),
        outcome=AllegationOutcome.MALICIOUS,
        found_on=date(2026, 4, 1),
    )

    assert due == date(2026, 4, 1)
    assert not is_due(due, date(2026, 3, 31))


def test_an_allegation_without_the_persons_date_of_birth_is_never_due_by_itself() -> None:
    due = allegation_due(alleged_on=date(2000, 1, 1), date_of_birth=None)

    assert due is None
    assert not is_due(due, date(2100, 1, 1))


def test_an_organisation_period_applies_only_where_the_schedule_allows_one() -> None:
    assert period_years(Kind.CONCERN_FILE, 30) == 30
    assert period_years(Kind.CONCERN_FILE, None) == 25
    assert period_years(Kind.RECORDING, 30) is None
    assert shortens(Kind.AUP_AND_TRAINING, 5)
    assert not shortens(Kind.AUP_AND_TRAINING, 6)
    assert not shortens(Kind.RECORDING, 1)

"""A learner is a minor if under 18 on the session's date in the policy's time zone: 18 on
the day is an adult, the day before a minor. Seen through the parent information rule (SES-8),
which binds minors only."""

import dataclasses

import pytest

from chaperon.policy.engine import Policy, default_policy

from .plans import changed, judge, one_to_one, only


def parent_information_missing(date_of_birth: str | None, start: str) -> dict:
    return changed(
        one_to_one(start=start),
        learners__0__date_of_birth=date_of_birth,
        learners__0__consent__parent_information="missing",
        learners__0__agreed_slots=[
            {
                "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                "from": "00:00",
                "to": "23:59",
            }
        ],
    )


def treated_as_minor(date_of_birth: str | None, start: str, policy: Policy | None = None) -> bool:
    verdict = judge(parent_information_missing(date_of_birth, start), policy)
    return bool(only(verdict, ["consent.parent_information"]))


SOUTH_AFRICA = dataclasses.replace(default_policy(), time_zone="Africa/Johannesburg")  # UTC+2


@pytest.mark.clause("SES-8")
def test_eighteen_on_the_day_of_the_session_is_an_adult() -> None:
    assert not treated_as_minor("2008-11-23", "2026-11-23T10:00:00Z")


@pytest.mark.clause("SES-8")
def test_the_day_before_the_eighteenth_birthday_is_a_minor() -> None:
    assert treated_as_minor("2008-11-24", "2026-11-23T10:00:00Z")


@pytest.mark.clause("SES-8")
def test_the_day_is_the_session_date_in_the_policys_time_zone() -> None:
    # 23:30 UTC on the day before the birthday is already the birthday at UTC+2.
    late = "2026-11-23T23:30:00Z"
    assert not treated_as_minor("2008-11-24", late, SOUTH_AFRICA)
    assert treated_as_minor("2008-11-24", late)  # London: still the 23rd
    # And the other way: 00:30 at UTC+2 on the birthday is still the day before in UTC.
    assert not treated_as_minor("2008-11-24", "2026-11-24T00:30:00+02:00", SOUTH_AFRICA)
    assert treated_as_minor("2008-11-24", "2026-11-24T00:30:00+02:00")


@pytest.mark.clause("SES-8")
def test_summer_time_moves_the_date_too() -> None:
    # 23:30 UTC on 14 June is 00:30 BST on 15 June, the eighteenth birthday.
    assert not treated_as_minor("2008-06-15", "2026-06-14T23:30:00Z")
    assert treated_as_minor("2008-06-15", "2026-06-14T22:30:00Z")  # 23:30 BST on the 14th


@pytest.mark.clause("SES-8")
def test_a_leap_day_birthday_comes_of_age_on_the_first_of_march() -> None:
    assert treated_as_minor("2008-02-29", "2026-02-28T10:00:00Z")
    assert not treated_as_minor("2008-02-29", "2026-03-01T10:00:00Z")


@pytest.mark.clause("SES-8")
def test_an_unknown_date_of_birth_is_treated_as_a_minor() -> None:
    assert treated_as_minor(None, "2026-11-23T10:00:00Z")

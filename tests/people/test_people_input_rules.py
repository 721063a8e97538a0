"""Smaller input rules for people data, the same through the services, the API, the pages and
the CSV import: dates of birth that can be true, a phone number for someone who prefers to be
phoned or texted, checks not dated in the future, and a learner search of sane size."""

from datetime import date, timedelta

import pytest
from django.utils.html import escape

from chaperon.core.exceptions import ValidationFailed
from chaperon.people import services
from chaperon.people.imports import people_import
from chaperon.people.models import years_before
from chaperon.people.selectors import SEARCH_MAX_CHARACTERS, SEARCH_MAX_WORDS
from tests import factories
from tests.api.conftest import api_as, events_since, last_seq, people_state
from tests.conftest import Cast, signed_in
from tests.people.test_import_helpers import csv_text


def _today(cast: Cast) -> date:
    return cast.organisation.today()


# Dates of birth ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "message"),
    [
        (date(2099, 1, 1), "01/01/2099 is in the future; give the learner's date of birth"),
        (date(1800, 6, 1), "01/06/1800 is more than 120 years ago; check the year"),
    ],
)
def test_a_date_of_birth_that_cannot_be_true_is_refused_everywhere(
    cast: Cast, born: date, message: str
) -> None:
    api = api_as(cast.dsl)
    client = signed_in(cast.dsl)
    before, seq = people_state(), last_seq()

    with pytest.raises(ValidationFailed) as error:
        factories.learner(cast.organisation, date_of_birth=born)
    assert error.value.errors == {"date_of_birth": message}
    added = api.post(
        "/api/learners",
        {"first_name": "Alex", "last_name": "Tern", "date_of_birth": born.isoformat()},
    )
    changed = api.patch(f"/api/learners/{cast.learner.pk}", {"date_of_birth": born.isoformat()})
    page = client.post(
        "/learners/new/",
        {"first_name": "Alex", "last_name": "Tern", "date_of_birth": born.isoformat()},
    )

    for response in (added, changed):
        assert response.status_code == 422
        assert response.json()["errors"] == {"date_of_birth": message}
    assert page.status_code == 400
    assert escape(message) in page.content.decode()
    assert people_state() == before
    assert events_since(seq) == []


def test_a_date_of_birth_more_than_120_years_ago_is_refused_in_a_file(cast: Cast) -> None:
    long_ago = years_before(_today(cast), 120) - timedelta(days=1)
    text = csv_text(
        "external_id,first_name,last_name,date_of_birth", f"L001,Alex,Tern,{long_ago.isoformat()}"
    )
    result = people_import(
        actor=cast.dsl, organisation=cast.organisation, kind="learners", text=text
    )
    assert [(error.line, error.column) for error in result.errors] == [(2, "date_of_birth")]
    assert "more than 120 years ago" in result.errors[0].message


def test_dates_of_birth_at_the_limits_are_accepted(cast: Cast) -> None:
    today = _today(cast)
    factories.learner(cast.organisation, date_of_birth=today)
    factories.learner(cast.organisation, date_of_birth=years_before(today, 120))


def test_the_limit_is_judged_by_the_organisations_date(cast: Cast) -> None:
    """Just after midnight in Auckland it is still yesterday in London and in UTC."""
    services.organisation_update(
        actor=cast.dsl, organisation=cast.organisation, time_zone="Pacific/Auckland"
    )
    cast.organisation.refresh_from_db()
    factories.learner(cast.organisation, date_of_birth=cast.organisation.today())


# Guardians' phone numbers ----------------------------------------------------------------------


@pytest.mark.parametrize("way", ["sms", "phone"])
def test_a_guardian_who_prefers_phone_or_text_needs_a_number(cast: Cast, way: str) -> None:
    api = api_as(cast.dsl)
    client = signed_in(cast.dsl)
    before, seq = people_state(), last_seq()

    added = api.post("/api/guardians", {"full_name": "Jordan Tern", "preferred_contact": way})
    changed = api.patch(f"/api/guardians/{cast.guardian.pk}", {"preferred_contact": way})
    page = client.post(
        f"/guardians/{cast.guardian.pk}/edit/",
        {"full_name": "Morgan Alder", "email": cast.guardian.email, "preferred_contact": way},
    )

    for response in (added, changed):
        assert response.status_code == 422
        assert list(response.json()["errors"]) == ["phone"]
        assert "give a phone number or choose email" in response.json()["errors"]["phone"]
    assert page.status_code == 400
    assert 'href="#id_phone"' in page.content.decode()
    assert people_state() == before
    assert events_since(seq) == []


def test_the_number_of_a_guardian_who_prefers_texts_cannot_be_removed(cast: Cast) -> None:
    services.guardian_update(
        actor=cast.dsl, guardian=cast.guardian, phone="07700 900123", preferred_contact="sms"
    )
    with pytest.raises(ValidationFailed) as error:
        services.guardian_update(actor=cast.dsl, guardian=cast.guardian, phone="")
    assert list(error.value.errors) == ["phone"]
    cast.guardian.refresh_from_db()
    assert cast.guardian.phone == "07700 900123"


def test_a_file_naming_texts_without_a_number_is_refused(cast: Cast) -> None:
    services.learner_update(actor=cast.dsl, learner=cast.learner, external_id="L001")
    text = csv_text(
        "external_id,full_name,preferred_contact,learner_external_id,relationship",
        "G001,Jordan Tern,sms,L001,father",
    )
    result = people_import(
        actor=cast.dsl, organisation=cast.organisation, kind="guardians", text=text
    )
    assert [(error.line, error.column) for error in result.errors] == [(2, "phone")]


# Staff checks ----------------------------------------------------------------------------------


@pytest.mark.clause("SES-10")
@pytest.mark.parametrize("field", ["dbs_checked_on", "safeguarding_training_on", "aup_signed_on"])
def test_a_check_cannot_be_dated_in_the_future(cast: Cast, field: str) -> None:
    member = factories.staff_member(cast.teacher)
    api = api_as(cast.dsl)
    before = people_state()
    tomorrow = _today(cast) + timedelta(days=1)

    response = api.patch(f"/api/staff/{member.pk}", {field: tomorrow.isoformat()})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]
    assert "is in the future" in response.json()["errors"][field]
    assert people_state() == before


# Learner search --------------------------------------------------------------------------------


def test_a_search_of_thousands_of_words_is_refused_at_once(cast: Cast) -> None:
    words = " ".join(["robin"] * 5000)
    api = api_as(cast.dsl)

    response = api.get(f"/api/learners?search={words}")
    page = signed_in(cast.dsl).get("/learners/", {"q": words})

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "search": f"is {len(words)} characters long; search with at most "
        f"{SEARCH_MAX_CHARACTERS} (a name or part of one, or an MIS id)"
    }
    assert page.status_code == 400
    body = page.content.decode()
    assert "Your search is 29999 characters long" in body
    assert "Robin Alder" not in body


def test_a_search_of_too_many_short_words_is_refused(cast: Cast) -> None:
    words = " ".join(["a"] * (SEARCH_MAX_WORDS + 1))
    response = api_as(cast.dsl).get(f"/api/learners?search={words}")
    assert response.status_code == 422
    assert response.json()["errors"]["search"].startswith(f"has {SEARCH_MAX_WORDS + 1} words")


def test_a_search_within_the_bounds_finds_the_learner(cast: Cast) -> None:
    words = " ".join(["rob", "alder", *["o"] * (SEARCH_MAX_WORDS - 2)])
    response = api_as(cast.dsl).get(f"/api/learners?search={words}")
    assert response.status_code == 200
    assert [item["first_name"] for item in response.json()["items"]] == ["Robin"]

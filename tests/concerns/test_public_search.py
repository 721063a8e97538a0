"""The public report page finds a school by name or postcode: a GET search, a few results at
most, each linking to the school's own report page. It never lists every organisation."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from chaperon.people.models import Organisation
from chaperon.people.selectors import PUBLIC_SEARCH_LIMIT
from tests import factories
from tests.conftest import Cast

pytestmark = [pytest.mark.django_db, pytest.mark.clause("INC-1")]


def _found(client: Client, query: str) -> list[str]:
    response = client.get(reverse("report:new"), {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    return re.findall(r'<a href="/report/([a-z0-9-]+)/">', html)


@pytest.fixture
def schools(cast: Cast) -> dict[str, Organisation]:
    return {
        "willow": factories.organisation("Willow Primary School", postcode="ZZ99 1AB"),
        "birch": factories.organisation("Birch Lane Academy", postcode="ZY1 4CD"),
    }


def test_a_school_is_found_by_part_of_its_name_in_any_case(
    client: Client, schools: dict[str, Organisation]
) -> None:
    assert _found(client, "wILLow") == [schools["willow"].slug]
    assert _found(client, "  lane acad ") == [schools["birch"].slug]


@pytest.mark.parametrize("query", ["zz99 1ab", "ZZ991AB", "zz99", "99 1a", "Zz9 9"])
def test_a_school_is_found_by_its_postcode_whole_or_in_part_spaces_aside(
    client: Client, schools: dict[str, Organisation], query: str
) -> None:
    assert _found(client, query) == [schools["willow"].slug]


def test_each_result_leads_to_the_schools_report_form(
    client: Client, schools: dict[str, Organisation]
) -> None:
    [slug] = _found(client, "birch")
    form = client.get(reverse("report:for_organisation", args=[slug])).content.decode()
    assert "To the safeguarding team of Birch Lane Academy" in form and "<textarea" in form


def test_the_page_lists_no_organisation_until_searched_and_then_a_few(
    cast: Cast, client: Client, schools: dict[str, Organisation]
) -> None:
    html = client.get(reverse("report:new")).content.decode()
    for organisation in Organisation.objects.all():
        assert organisation.name not in html and organisation.slug not in html
    assert "<select" not in html and "<option" not in html
    for number in range(PUBLIC_SEARCH_LIMIT + 5):
        factories.organisation(f"Oakfield School {number:02d}")
    assert len(_found(client, "oakfield")) == PUBLIC_SEARCH_LIMIT
    assert _found(client, "sc") == []  # too short to search: it would list half the server
    assert _found(client, "no such place") == []


def test_searches_from_one_address_are_limited(
    client: Client, schools: dict[str, Organisation], settings
) -> None:
    settings.CONCERN_SEARCHES_PER_HOUR = 2
    assert _found(client, "willow") and _found(client, "birch")
    refused = client.get(reverse("report:new"), {"q": "willow"})
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Willow Primary School" not in html.split("</form>", 1)[1].split("Getting help")[0]
    assert "call 999" in html


def test_an_old_link_that_chose_the_organisation_goes_to_its_page(
    cast: Cast, client: Client
) -> None:
    response = client.get(reverse("report:new"), {"organisation": cast.organisation.slug})
    assert response.status_code == 302
    assert response["Location"] == f"/report/{cast.organisation.slug}/"

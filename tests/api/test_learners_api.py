from datetime import date
from typing import Any

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.core.actors import SYSTEM
from chaperon.people import services
from chaperon.people.models import Learner
from tests import factories
from tests.conftest import Cast

from .conftest import api_as, events_since, last_seq, people_state

NEW_LEARNER = {"first_name": "Alex", "last_name": "Tern", "date_of_birth": "2013-02-01"}


@pytest.fixture
def year_groups(cast: Cast) -> None:
    for first, last, group in [
        ("Ash", "Birch", "Year 7"),
        ("Kit", "Alderman", "Year 8"),
        ("Rene", "Cedar", "Year 8"),
    ]:
        factories.learner(cast.organisation, first_name=first, last_name=last, year_group=group)
    factories.learner(cast.other_organisation, first_name="Kit", last_name="Alder")


def _names(response: Any) -> list[str]:
    items = response.json()["items"]
    return [f"{item['first_name']} {item['last_name']}" for item in items]


@pytest.mark.usefixtures("year_groups")
def test_learners_are_searched_by_name_and_filtered_by_year_group(cast: Cast) -> None:
    api = api_as(cast.teacher)
    assert _names(api.get("/api/learners")) == [
        "Robin Alder",
        "Kit Alderman",
        "Ash Birch",
        "Rene Cedar",
    ]
    assert _names(api.get("/api/learners?search=alder")) == ["Robin Alder", "Kit Alderman"]
    assert _names(api.get("/api/learners?search=kit+alder")) == ["Kit Alderman"]
    assert _names(api.get("/api/learners?year_group=Year%208")) == ["Kit Alderman", "Rene Cedar"]
    assert _names(api.get("/api/learners?year_group=Year%208&search=cedar")) == ["Rene Cedar"]


@pytest.mark.usefixtures("year_groups")
def test_learners_come_a_page_at_a_time_with_the_total(cast: Cast) -> None:
    api = api_as(cast.teacher)
    first = api.get("/api/learners?limit=2")
    second = api.get("/api/learners?limit=2&offset=2")
    beyond = api.get("/api/learners?limit=2&offset=10")

    assert _names(first) == ["Robin Alder", "Kit Alderman"]
    assert _names(second) == ["Ash Birch", "Rene Cedar"]
    assert beyond.json() == {"items": [], "count": 4}
    assert first.json()["count"] == second.json()["count"] == 4


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=201", "offset=-1", "limit=ten", "offset=99999999999999999999"]
)
def test_a_page_outside_the_limits_is_refused_naming_the_parameter(cast: Cast, query: str) -> None:
    response = api_as(cast.teacher).get(f"/api/learners?{query}")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [query.split("=")[0]]


def test_reading_a_learner_is_audited_with_who_and_which(cast: Cast) -> None:
    api = api_as(cast.teacher)
    seq = last_seq()

    body = api.get(f"/api/learners/{cast.learner.pk}").json()

    [event] = events_since(seq)
    assert event.action == AuditAction.LEARNER_VIEWED
    assert (event.actor_id, event.object_type, event.object_id) == (
        cast.teacher.pk,
        "people.learner",
        str(cast.learner.pk),
    )
    assert body["date_of_birth"] == "2012-05-17"
    assert body["guardians"] == [
        {
            "guardian_id": cast.guardian.pk,
            "full_name": "Morgan Alder",
            "email": cast.guardian.email,
            "phone": "",
            "preferred_contact": "email",
            "relationship": "mother",
            "parental_responsibility": True,
        }
    ]


def test_listing_learners_is_audited_as_a_list_not_as_a_read_of_each_record(cast: Cast) -> None:
    api = api_as(cast.teacher)
    seq = last_seq()
    assert api.get("/api/learners").status_code == 200
    [listed] = events_since(seq)
    assert (listed.action, listed.actor_id) == (AuditAction.LEARNER_LIST_READ, cast.teacher.pk)
    assert (listed.object_type, listed.organisation_id) == ("", cast.organisation.pk)


def test_an_unknown_learner_is_not_found_and_its_read_not_audited(cast: Cast) -> None:
    api = api_as(cast.dsl)
    seq = last_seq()
    response = api.get(f"/api/learners/{cast.outsider_learner.pk + 100}")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such learner."}
    assert events_since(seq) == []


def test_a_learner_is_added_with_a_site_of_the_organisation(cast: Cast) -> None:
    site = services.site_create(actor=SYSTEM, organisation=cast.organisation, name="Quay Street")

    response = api_as(cast.deputy).post(
        "/api/learners", NEW_LEARNER | {"site_id": site.pk, "adult_at_risk": True}
    )

    assert response.status_code == 201
    learner = Learner.objects.get(pk=response.json()["id"])
    assert (learner.site_id, learner.adult_at_risk) == (site.pk, True)
    assert learner.date_of_birth == date(2013, 2, 1)
    assert response.json()["site_id"] == site.pk


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date_of_birth": "01/02/2013"}, "date_of_birth"),
        ({"date_of_birth": "2013-02-30"}, "date_of_birth"),
        ({"first_name": "   "}, "first_name"),
        ({"last_name": None}, "last_name"),
        ({"year_group": "Y" * 51}, "year_group"),
        ({"organisation_id": 2}, "organisation_id"),
        ({"site_id": "main"}, "site_id"),
    ],
)
def test_a_refused_learner_names_the_field_and_changes_nothing(
    cast: Cast, change: dict[str, object], field: str
) -> None:
    api = api_as(cast.dsl)
    before, seq = people_state(), last_seq()

    response = api.post("/api/learners", NEW_LEARNER | change)

    assert response.status_code == 422, response.content
    assert list(response.json()["errors"]) == [field]
    assert people_state() == before
    assert events_since(seq) == []


def test_a_missing_field_is_named(cast: Cast) -> None:
    response = api_as(cast.dsl).post("/api/learners", {"first_name": "Alex"})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "last_name": "Field required",
        "date_of_birth": "Field required",
    }


def test_a_patch_changes_only_what_it_sends(cast: Cast) -> None:
    api = api_as(cast.admin)
    seq = last_seq()

    response = api.patch(f"/api/learners/{cast.learner.pk}", {"last_name": "Alder-Hayes"})

    assert response.status_code == 200
    cast.learner.refresh_from_db()
    assert (cast.learner.first_name, cast.learner.last_name) == ("Robin", "Alder-Hayes")
    [event] = events_since(seq)
    assert event.details == {"changed": ["last_name"]}


def test_a_patch_that_changes_nothing_is_not_audited(cast: Cast) -> None:
    api = api_as(cast.admin)
    seq = last_seq()
    assert api.patch(f"/api/learners/{cast.learner.pk}", {"first_name": "Robin"}).status_code == 200
    assert api.patch(f"/api/learners/{cast.learner.pk}", {}).status_code == 200
    assert events_since(seq) == []


def test_the_api_refuses_an_id_too_large_for_the_database(cast: Cast) -> None:
    response = api_as(cast.dsl).get(f"/api/learners/{2**64}")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["learner_id"]

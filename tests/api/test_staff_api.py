from datetime import date, timedelta

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.core.actors import SYSTEM
from chaperon.people import services
from chaperon.people.models import StaffMember
from chaperon.people.roles import Role
from tests import factories
from tests.conftest import Cast

from .conftest import COMPLIANCE_KEYS, api_as, events_since, last_seq, people_state

NEW_STAFF = {
    "email": "Nico.Starling@Harbour.example",
    "full_name": "Nico Starling",
    "roles": ["teacher", "ict"],
    "job_title": "Tutor",
    "dbs_checked_on": "2025-09-01",
    "dbs_type": "enhanced_barred",
}


@pytest.mark.parametrize("who", ["teacher", "ict", "board"])
def test_staff_without_compliance_access_see_no_compliance_field(cast: Cast, who: str) -> None:
    api = api_as(cast.user(who))
    seq = last_seq()
    listed = api.get("/api/staff").json()["items"]
    one = api.get(f"/api/staff/{factories.staff_member(cast.dsl).pk}").json()

    assert len(listed) == 8
    for item in [*listed, one]:
        assert not COMPLIANCE_KEYS & item.keys()
        assert {"id", "email", "full_name", "roles", "job_title"} <= item.keys()
    assert events_since(seq) == []


@pytest.mark.clause("ORG-3")
def test_compliance_is_shown_with_dates_and_statuses_and_the_read_is_audited(cast: Cast) -> None:
    today = date.today()
    lapsed = factories.staff(
        cast.organisation,
        Role.TEACHER,
        name="Lee Brackett",
        dbs_checked_on=today - timedelta(days=4 * 365),
        dbs_type="",
        aup_signed_on=None,
    )
    member = factories.staff_member(lapsed)
    api = api_as(cast.slt)
    seq = last_seq()

    body = api.get(f"/api/staff/{member.pk}").json()

    assert body["dbs_checked_on"] == (today - timedelta(days=4 * 365)).isoformat()
    assert body["dbs_type"] is None
    assert body["aup_signed_on"] is None
    statuses = {fact["key"]: fact["status"] for fact in body["compliance"]}
    assert statuses == {"dbs": "expired", "training": "current", "aup": "missing"}
    [event] = events_since(seq)
    assert event.action == AuditAction.STAFF_COMPLIANCE_VIEWED
    assert (event.actor_id, event.object_id) == (cast.slt.pk, str(member.pk))

    seq = last_seq()
    listed = api.get("/api/staff").json()["items"]
    assert [event.action for event in events_since(seq)] == [AuditAction.STAFF_COMPLIANCE_VIEWED]
    lee = next(item for item in listed if item["id"] == member.pk)
    assert lee["compliance"] == body["compliance"]


def test_staff_are_listed_by_name_a_page_at_a_time(cast: Cast) -> None:
    api = api_as(cast.teacher)
    first = api.get("/api/staff?limit=3").json()
    rest = api.get("/api/staff?limit=3&offset=3").json()

    assert first["count"] == rest["count"] == 8
    names = [item["full_name"] for item in first["items"] + rest["items"]]
    assert names == [
        "Ade Brook",
        "Bo Hartley",
        "Dana Sefton",
        "Devon Pike",
        "Ira Quill",
        "Sam Laurel",
    ]


def test_a_new_staff_member_has_no_password_until_they_set_one(cast: Cast) -> None:
    api = api_as(cast.admin)
    seq = last_seq()

    response = api.post("/api/staff", NEW_STAFF)

    assert response.status_code == 201
    body = response.json()
    member = StaffMember.objects.select_related("user").get(pk=body["id"])
    assert member.user.email == "nico.starling@harbour.example"
    assert not member.user.has_usable_password()
    assert member.dbs_checked_on == date(2025, 9, 1)
    assert body["roles"] == ["ict", "teacher"]
    assert body["dbs_checked_on"] == "2025-09-01"
    assert body["user_id"] == member.user_id
    actions = [event.action for event in events_since(seq)]
    assert actions == [AuditAction.STAFF_CREATED, AuditAction.STAFF_COMPLIANCE_VIEWED]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"roles": ["teacher", "headteacher"]}, "roles"),
        ({"full_name": ""}, "full_name"),
        ({"dbs_checked_on": "1 September"}, "dbs_checked_on"),
        ({"dbs_type": "enhanced-ish"}, "dbs_type"),
        ({"site_id": 0}, "site_id"),
        ({"password": "let me in please"}, "password"),
    ],
)
def test_a_refused_new_staff_member_names_the_field_and_changes_nothing(
    cast: Cast, change: dict[str, object], field: str
) -> None:
    api = api_as(cast.dsl)
    before, seq = people_state(), last_seq()

    response = api.post("/api/staff", NEW_STAFF | change)

    assert response.status_code == 422, response.content
    body = response.json()
    assert list(body["errors"]) == [field]
    assert field in body["detail"]
    assert people_state() == before
    assert events_since(seq) == []


def test_an_email_address_already_in_use_is_refused(cast: Cast) -> None:
    before = people_state()

    response = api_as(cast.dsl).post("/api/staff", NEW_STAFF | {"email": cast.outsider.email})

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "email": f"{cast.outsider.email} already belongs to another account"
    }
    assert people_state() == before


def test_records_of_another_organisation_cannot_be_named_in_a_staff_member(cast: Cast) -> None:
    other_site = services.site_create(
        actor=SYSTEM, organisation=cast.other_organisation, name="North Campus"
    )
    other_manager = factories.staff_member(cast.outsider)
    api = api_as(cast.dsl)
    before = people_state()

    by_site = api.post("/api/staff", NEW_STAFF | {"site_id": other_site.pk})
    by_manager = api.patch(
        f"/api/staff/{factories.staff_member(cast.teacher).pk}",
        {"line_manager_id": other_manager.pk},
    )

    assert by_site.status_code == by_manager.status_code == 422
    assert list(by_site.json()["errors"]) == ["site_id"]
    assert list(by_manager.json()["errors"]) == ["line_manager_id"]
    assert people_state() == before


def test_a_staff_member_of_the_same_organisation_can_be_given_a_site_and_manager(
    cast: Cast,
) -> None:
    site = services.site_create(actor=SYSTEM, organisation=cast.organisation, name="Quay Street")
    manager = factories.staff_member(cast.slt)
    member = factories.staff_member(cast.teacher)

    response = api_as(cast.dsl).patch(
        f"/api/staff/{member.pk}", {"site_id": site.pk, "line_manager_id": manager.pk}
    )

    assert response.status_code == 200
    member.refresh_from_db()
    assert (member.site_id, member.line_manager_id) == (site.pk, manager.pk)
    assert (response.json()["site_id"], response.json()["line_manager_id"]) == (
        site.pk,
        manager.pk,
    )


def test_a_patch_changes_only_what_it_sends_and_null_clears_a_date(cast: Cast) -> None:
    member = factories.staff_member(cast.teacher)
    api = api_as(cast.dsl)
    seq = last_seq()

    response = api.patch(f"/api/staff/{member.pk}", {"aup_signed_on": None, "dbs_type": None})

    assert response.status_code == 200
    member.refresh_from_db()
    assert (member.aup_signed_on, member.dbs_type) == (None, "")
    assert member.job_title == "Teacher"
    assert member.dbs_checked_on is not None
    body = response.json()
    assert body["aup_signed_on"] is None
    assert {fact["key"]: fact["status"] for fact in body["compliance"]}["aup"] == "missing"
    [changed, _viewed] = events_since(seq)
    assert changed.details == {"changed": ["aup_signed_on", "dbs_type"]}


def test_null_is_refused_for_a_field_that_cannot_be_empty(cast: Cast) -> None:
    member = factories.staff_member(cast.teacher)
    before = people_state()

    response = api_as(cast.dsl).patch(f"/api/staff/{member.pk}", {"job_title": None})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["job_title"]
    assert people_state() == before


def test_roles_are_replaced_by_exactly_those_sent(cast: Cast) -> None:
    member = factories.staff_member(cast.teacher)
    api = api_as(cast.dsl)  # a safeguarding lead: these roles are theirs to give

    response = api.put(f"/api/staff/{member.pk}/roles", {"roles": ["deputy_dsl", "slt"]})

    assert response.status_code == 200
    assert response.json()["roles"] == ["deputy_dsl", "slt"]
    assert factories.staff_member(cast.teacher).role_set == {"deputy_dsl", "slt"}

    seq = last_seq()
    again = api.put(f"/api/staff/{member.pk}/roles", {"roles": ["slt", "deputy_dsl"]})
    assert again.status_code == 200
    assert [event.action for event in events_since(seq)] == [AuditAction.STAFF_COMPLIANCE_VIEWED]

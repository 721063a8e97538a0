"""Privileged roles (DSL, deputy DSL, senior leader) are given and taken away only by a
safeguarding lead, and nobody changes their own roles: through the API, the pages, the CSV
import and the services alike. Every refusal is audited and changes nothing else."""

import pytest

from chaperon.accounts.models import TotpDevice
from chaperon.accounts.services import new_totp_secret
from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.actors import SYSTEM
from chaperon.people import services
from chaperon.people.imports import people_import
from chaperon.people.models import StaffMember, User
from chaperon.people.privileges import NeedsSafeguardingLead
from chaperon.people.roles import Role
from tests import factories
from tests.api.conftest import api_as, events_since, last_seq, people_state
from tests.conftest import Cast, signed_in
from tests.people.test_import_helpers import csv_text

pytestmark = pytest.mark.clause("ORG-1")


def _roles(user: User) -> set[str]:
    return set(StaffMember.objects.get(user=user).role_set)


def _refusal_since(seq: int) -> AuditEvent:
    """The one event written since ``seq`` (besides reading a page afterwards): the refusal."""
    written = [e for e in events_since(seq) if e.action != AuditAction.STAFF_COMPLIANCE_VIEWED]
    [event] = written
    assert event.action == AuditAction.STAFF_CHANGE_REFUSED
    return event


def test_an_administrators_token_cannot_make_its_own_user_dsl(cast: Cast) -> None:
    own = factories.staff_member(cast.admin)
    api = api_as(cast.admin)
    before, seq = people_state(), last_seq()

    response = api.put(f"/api/staff/{own.pk}/roles", {"roles": ["admin", "dsl"]})

    assert response.status_code == 403
    assert "nobody changes their own roles" in response.json()["detail"]
    assert people_state() == before
    assert _roles(cast.admin) == {"admin"}
    event = _refusal_since(seq)
    assert (event.actor_id, event.object_id) == (cast.admin.pk, str(own.pk))
    assert event.details["before"] == ["admin"] and event.details["asked"] == ["admin", "dsl"]
    # The token still acts with the administrator's roles alone.
    listed = api.get("/api/learners").json()
    assert listed["count"] == 1


@pytest.mark.parametrize("role", ["dsl", "deputy_dsl", "slt"])
def test_an_administrator_cannot_give_a_privileged_role(cast: Cast, role: str) -> None:
    member = factories.staff_member(cast.teacher)
    api = api_as(cast.admin)
    before, seq = people_state(), last_seq()

    response = api.put(f"/api/staff/{member.pk}/roles", {"roles": ["teacher", role]})

    assert response.status_code == 403
    assert "only the DSL or a deputy DSL may give or remove" in response.json()["detail"]
    assert people_state() == before
    assert _refusal_since(seq).actor_id == cast.admin.pk


def test_an_administrator_cannot_take_the_dsl_role_away(cast: Cast) -> None:
    before, seq = people_state(), last_seq()
    with pytest.raises(NeedsSafeguardingLead):
        services.staff_set_roles(
            actor=cast.admin, staff=factories.staff_member(cast.dsl), roles=[Role.TEACHER]
        )
    assert people_state() == before
    assert _refusal_since(seq).object_id == str(factories.staff_member(cast.dsl).pk)


def test_an_administrator_may_still_give_ordinary_roles(cast: Cast) -> None:
    member = factories.staff_member(cast.teacher)
    response = api_as(cast.admin).put(f"/api/staff/{member.pk}/roles", {"roles": ["ict"]})
    assert response.status_code == 200
    assert _roles(cast.teacher) == {"ict"}


@pytest.mark.parametrize("role", ["dsl", "deputy_dsl", "slt"])
def test_the_dsl_gives_privileged_roles(cast: Cast, role: str) -> None:
    member = factories.staff_member(cast.teacher)
    response = api_as(cast.dsl).put(f"/api/staff/{member.pk}/roles", {"roles": ["teacher", role]})
    assert response.status_code == 200
    assert _roles(cast.teacher) == {"teacher", role}


def test_a_deputy_who_also_manages_staff_may_give_them(cast: Cast) -> None:
    deputy_admin = factories.staff(cast.organisation, Role.DEPUTY_DSL, Role.ADMINISTRATOR)
    services.staff_set_roles(
        actor=deputy_admin, staff=factories.staff_member(cast.teacher), roles=[Role.SENIOR_LEADER]
    )
    assert _roles(cast.teacher) == {"slt"}


def test_the_dsl_cannot_change_their_own_roles_either(cast: Cast) -> None:
    before, seq = people_state(), last_seq()
    with pytest.raises(NeedsSafeguardingLead) as error:
        services.staff_set_roles(
            actor=cast.dsl,
            staff=factories.staff_member(cast.dsl),
            roles=[Role.DSL, Role.ADMINISTRATOR],
        )
    assert "nobody changes their own roles" in str(error.value)
    assert people_state() == before
    assert _refusal_since(seq).actor_id == cast.dsl.pk


def test_an_administrator_cannot_add_someone_as_senior_leader(cast: Cast) -> None:
    api = api_as(cast.admin)
    before, seq = people_state(), last_seq()
    response = api.post(
        "/api/staff",
        {"email": "new.head@harbour.example", "full_name": "New Head", "roles": ["slt"]},
    )
    assert response.status_code == 403
    assert people_state() == before
    event = _refusal_since(seq)
    assert event.object_type == "people.organisation"
    assert event.details["asked"] == ["slt"]


def test_an_administrator_cannot_change_how_the_dsl_signs_in(cast: Cast) -> None:
    """A new address and a password link to it would make the account theirs."""
    dsl = factories.staff_member(cast.dsl)
    api = api_as(cast.admin)
    before, seq = people_state(), last_seq()

    response = api.patch(f"/api/staff/{dsl.pk}", {"email": "ade@elsewhere.example"})

    assert response.status_code == 403
    assert "change how Dana Sefton signs in" in response.json()["detail"]
    assert people_state() == before
    assert _refusal_since(seq).details["asked"] == ["email"]
    # An ordinary member of staff's address is theirs to change.
    teacher = factories.staff_member(cast.teacher)
    changed = api.patch(f"/api/staff/{teacher.pk}", {"email": "t@harbour.example"})
    assert changed.status_code == 200


def test_an_administrator_cannot_reset_the_dsls_authenticator(cast: Cast) -> None:
    TotpDevice.objects.create(
        user=cast.dsl, secret=new_totp_secret(), confirmed_at="2026-01-01T00:00:00Z"
    )
    client = signed_in(cast.admin)
    seq = last_seq()

    response = client.post(
        f"/accounts/authenticator-reset/{cast.dsl.pk}/", {"reason": "Phone lost"}, follow=True
    )

    assert "only the DSL or a deputy DSL may change how Dana Sefton signs in" in (
        response.content.decode()
    )
    assert TotpDevice.objects.filter(user=cast.dsl).exists()
    assert _refusal_since(seq).details["asked"] == ["authenticator"]


def test_the_roles_page_refuses_an_administrator_and_changes_nothing(cast: Cast) -> None:
    member = factories.staff_member(cast.teacher)
    client = signed_in(cast.admin)
    before, seq = people_state(), last_seq()

    response = client.post(f"/staff/{member.pk}/roles/", {"roles": ["teacher", "deputy_dsl"]})

    assert response.status_code == 403
    body = response.content.decode()
    assert "There is a problem" in body
    assert "only the DSL or a deputy DSL may give or remove the roles" in body
    assert people_state() == before
    assert _refusal_since(seq).actor_id == cast.admin.pk


def test_the_dsl_changes_roles_on_the_roles_page(cast: Cast) -> None:
    member = factories.staff_member(cast.teacher)
    client = signed_in(cast.dsl)
    page = client.get(f"/staff/{member.pk}/roles/")
    assert page.status_code == 200
    assert 'value="teacher"' in page.content.decode()

    response = client.post(f"/staff/{member.pk}/roles/", {"roles": ["teacher", "deputy_dsl"]})

    assert response["Location"] == f"/staff/{member.pk}/"
    assert _roles(cast.teacher) == {"teacher", "deputy_dsl"}
    event = AuditEvent.objects.filter(action=AuditAction.STAFF_ROLES_CHANGED).last()
    assert event is not None and event.actor_id == cast.dsl.pk


@pytest.mark.parametrize("who", ["teacher", "deputy", "slt", "ict", "board"])
def test_only_those_who_manage_staff_open_the_roles_page(cast: Cast, who: str) -> None:
    member = factories.staff_member(cast.teacher)
    client = signed_in(cast.user(who))
    assert client.get(f"/staff/{member.pk}/roles/").status_code == 403
    before = people_state()
    assert client.post(f"/staff/{member.pk}/roles/", {"roles": ["dsl"]}).status_code == 403
    assert people_state() == before


def test_an_administrators_import_cannot_give_privileged_roles(cast: Cast) -> None:
    services.staff_update(actor=SYSTEM, staff=factories.staff_member(cast.dsl), external_id="S205")
    seq = last_seq()
    before = people_state()
    text = csv_text(
        "external_id,full_name,email,roles",
        "S201,Nico Starling,nico.starling@harbour.example,teacher",
        "S202,Ola Penn,ola.penn@harbour.example,dsl",
        f"S203,{cast.teacher.full_name},{cast.teacher.email},teacher;slt",
        f"S204,{cast.admin.full_name},{cast.admin.email},admin;deputy_dsl",
        f"S205,{cast.dsl.full_name},dana@elsewhere.example,dsl",
    )

    result = people_import(
        actor=cast.admin, organisation=cast.organisation, kind="staff", text=text
    )

    assert [(error.line, error.column) for error in result.errors] == [
        (3, "roles"),
        (4, "roles"),
        (5, "roles"),
        (6, "email"),
    ]
    assert "Designated Safeguarding Lead" in result.errors[0].message
    assert "nobody changes their own roles" in result.errors[2].message
    assert people_state() == before
    actions = [event.action for event in events_since(seq)]
    assert actions == [AuditAction.STAFF_CHANGE_REFUSED] * 4 + [AuditAction.PEOPLE_IMPORT_REFUSED]


def test_the_dsls_import_gives_them(cast: Cast) -> None:
    text = csv_text(
        "external_id,full_name,email,roles", "S202,Ola Penn,ola.penn@harbour.example,dsl"
    )
    result = people_import(actor=cast.dsl, organisation=cast.organisation, kind="staff", text=text)
    assert (result.created, result.errors) == (1, ())
    assert User.objects.get(email="ola.penn@harbour.example").roles == {"dsl"}


def test_the_operator_on_the_command_line_makes_the_first_dsl(cast: Cast) -> None:
    member = factories.staff_member(cast.teacher)
    services.staff_set_roles(actor=SYSTEM, staff=member, roles=[Role.DSL])
    assert _roles(cast.teacher) == {"dsl"}

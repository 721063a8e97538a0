import pytest

from chaperon.audit.actions import AuditAction
from chaperon.people.models import GuardianRelationship
from tests import factories
from tests.conftest import Cast

from .conftest import api_as, events_since, last_seq, people_state


def test_a_new_guardian_is_linked_then_the_link_changed(cast: Cast) -> None:
    api = api_as(cast.deputy)
    added = api.post(
        "/api/guardians",
        {"full_name": "Jordan Alder", "phone": "01632 960456", "preferred_contact": "sms"},
    )
    assert added.status_code == 201
    guardian_id = added.json()["id"]
    path = f"/api/learners/{cast.learner.pk}/guardians/{guardian_id}"

    seq = last_seq()
    linked = api.put(path, {"relationship": "step_parent", "parental_responsibility": False})
    changed = api.put(path, {"relationship": "step_parent", "parental_responsibility": True})
    repeated = api.put(path, {"relationship": "step_parent", "parental_responsibility": True})

    assert linked.status_code == changed.status_code == repeated.status_code == 200
    assert [event.action for event in events_since(seq)] == [
        AuditAction.GUARDIAN_LINKED,
        AuditAction.GUARDIAN_LINK_UPDATED,
    ]
    link = GuardianRelationship.objects.get(guardian_id=guardian_id, learner=cast.learner)
    assert (link.relationship, link.parental_responsibility) == ("step_parent", True)
    assert link.organisation_id == cast.organisation.pk
    shown = api.get(f"/api/guardians/{guardian_id}").json()
    assert shown["preferred_contact"] == "sms"
    assert shown["learners"] == [
        {
            "learner_id": cast.learner.pk,
            "full_name": "Robin Alder",
            "relationship": "step_parent",
            "parental_responsibility": True,
        }
    ]


def test_a_guardian_cannot_be_linked_to_another_organisations_learner(cast: Cast) -> None:
    api = api_as(cast.dsl)
    before, seq = people_state(), last_seq()

    response = api.put(
        f"/api/learners/{cast.outsider_learner.pk}/guardians/{cast.guardian.pk}",
        {"relationship": "mother", "parental_responsibility": True},
    )

    assert response.status_code == 404
    assert people_state() == before
    assert events_since(seq) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"relationship": "aunt", "parental_responsibility": False}, "relationship"),
        ({"relationship": "carer"}, "parental_responsibility"),
        ({"relationship": "carer", "parental_responsibility": "maybe"}, "parental_responsibility"),
    ],
)
def test_a_refused_link_names_the_field(cast: Cast, body: dict[str, object], field: str) -> None:
    before = people_state()
    response = api_as(cast.dsl).put(
        f"/api/learners/{cast.learner.pk}/guardians/{cast.guardian.pk}", body
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]
    assert people_state() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "morgan at home"}, "email"),
        ({"preferred_contact": "pigeon"}, "preferred_contact"),
        ({"full_name": ""}, "full_name"),
        ({"full_name": None}, "full_name"),
    ],
)
def test_a_refused_guardian_change_names_the_field_and_changes_nothing(
    cast: Cast, change: dict[str, object], field: str
) -> None:
    api = api_as(cast.admin)
    before, seq = people_state(), last_seq()
    response = api.patch(f"/api/guardians/{cast.guardian.pk}", change)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]
    assert people_state() == before
    assert events_since(seq) == []


def test_guardians_are_listed_by_name_with_their_learners(cast: Cast) -> None:
    sibling = factories.learner(cast.organisation, first_name="Ellis", last_name="Alder")
    factories.guardian(
        cast.organisation, of=sibling, full_name="Avery Alder", relationship="father"
    )

    body = api_as(cast.slt).get("/api/guardians").json()

    assert body["count"] == 2
    listed = [
        (item["full_name"], [link["full_name"] for link in item["learners"]])
        for item in body["items"]
    ]
    assert listed == [
        ("Avery Alder", ["Ellis Alder"]),
        ("Morgan Alder", ["Robin Alder"]),
    ]

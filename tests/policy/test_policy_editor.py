"""The policy editor: only the DSL and an administrator change the organisation's policy, and
a document that is not a valid policy is refused, naming the field, with nothing saved."""

import pytest
from django.test import Client

from chaperon.policy.models import OrganisationPolicy
from chaperon.policy.selectors import organisation_policy_document, policy_as_yaml
from tests.conftest import Cast, signed_in


def _client(cast: Cast, name: str) -> Client:
    return Client() if name == "anonymous" else signed_in(cast.user(name))


@pytest.mark.parametrize("name", ["dsl", "admin", "teacher", "slt"])
def test_only_the_dsl_and_administrator_change_the_policy(cast: Cast, name: str) -> None:
    client = _client(cast, name)
    page = client.get("/policy/edit/")
    if name not in {"dsl", "admin"}:
        assert page.status_code == 403
        assert client.post("/policy/edit/", {"text": "x: 1"}).status_code == 403
        assert not OrganisationPolicy.objects.exists()
        return
    text = page.content.decode()
    assert "max_duration_minutes: 45" in text
    document = policy_as_yaml(organisation_policy_document(cast.organisation))
    bad = client.post(
        "/policy/edit/",
        {"text": document.replace("max_duration_minutes: 45", "max_duration_minutes: forever")},
    )
    assert bad.status_code == 200
    assert "max_duration_minutes: " in bad.content.decode()
    assert "whole number" in bad.content.decode()
    assert not OrganisationPolicy.objects.exists()


def test_the_policy_page_shows_the_organisations_own_values(cast: Cast) -> None:
    cast.organisation.working_hours_end = cast.organisation.working_hours_end.replace(hour=16)
    cast.organisation.save()
    body = signed_in(cast.teacher).get("/policy/").content.decode()
    assert "08:30 to 16:00" in body
    assert f"{cast.organisation.slug}, version 1" in body

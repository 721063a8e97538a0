from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from chaperon.accounts.models import ApiToken
from chaperon.accounts.services import api_token_create, api_token_revoke
from chaperon.audit.actions import AuditAction
from chaperon.people.models import Organisation, User
from tests.conftest import Cast, signed_in

from .conftest import Api, api_as, events_since, last_seq


def _assert_unauthenticated(response: Any) -> None:
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in response.json()["detail"]


def test_a_call_without_a_token_is_unauthenticated(cast: Cast) -> None:
    _assert_unauthenticated(Api().get("/api/organisation"))


@pytest.mark.parametrize(
    "header",
    ["Token {secret}", "Basic {secret}", "{secret}", "Bearer", "Bearer {secret}x"],
)
def test_only_the_exact_token_as_a_bearer_credential_is_accepted(cast: Cast, header: str) -> None:
    _token, secret = api_token_create(actor=cast.dsl, name="Timetable sync")
    api = Api()
    api.client.defaults["HTTP_AUTHORIZATION"] = header.format(secret=secret)
    _assert_unauthenticated(api.get("/api/organisation"))
    api.client.defaults["HTTP_AUTHORIZATION"] = f"bearer {secret}"
    assert api.get("/api/organisation").status_code == 200


def test_a_token_acts_as_its_user_and_records_its_use(cast: Cast) -> None:
    token, secret = api_token_create(actor=cast.deputy, name="MIS sync")
    seq = last_seq()

    response = Api(secret).get(f"/api/learners/{cast.learner.pk}")

    assert response.status_code == 200
    [event] = events_since(seq)
    assert (event.action, event.actor_id) == (AuditAction.LEARNER_VIEWED, cast.deputy.pk)
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < timedelta(minutes=1)


def test_a_revoked_token_stops_working_at_once(cast: Cast) -> None:
    token, secret = api_token_create(actor=cast.dsl, name="MIS sync")
    api = Api(secret)
    assert api.get("/api/organisation").status_code == 200

    api_token_revoke(actor=cast.dsl, token_id=token.pk)

    _assert_unauthenticated(api.get("/api/organisation"))


def test_the_token_of_a_deactivated_user_is_refused(cast: Cast) -> None:
    api = api_as(cast.admin)
    assert api.get("/api/organisation").status_code == 200

    User.objects.filter(pk=cast.admin.pk).update(is_active=False)

    _assert_unauthenticated(api.get("/api/organisation"))
    assert ApiToken.objects.get(user=cast.admin).revoked_at is None


def test_a_signed_in_browser_session_is_not_an_api_credential(cast: Cast) -> None:
    """The API answers tokens only, so a page elsewhere cannot use someone's session."""
    client = signed_in(cast.dsl)
    assert client.get("/dashboard/").status_code == 200
    _assert_unauthenticated(client.get("/api/organisation"))
    response = client.patch(
        "/api/organisation", '{"name": "Renamed"}', content_type="application/json"
    )
    _assert_unauthenticated(response)
    assert Organisation.objects.get(pk=cast.organisation.pk).name == "Harbour View School"


def test_a_user_with_no_staff_roles_may_do_nothing(cast: Cast) -> None:
    person = User.objects.create_user(
        email="visitor@harbour.example",
        organisation=cast.organisation,
        full_name="Vic Ashdown",
        password=None,
    )
    api = api_as(person)
    assert api.get("/api/organisation").status_code == 403
    assert api.get("/api/staff").status_code == 403
    assert api.get(f"/api/learners/{cast.learner.pk}").status_code == 403

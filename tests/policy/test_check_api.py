"""``POST /api/policy/check``: the same check over the JSON API, for any staff member's token."""

from importlib.resources import files

import pytest

from chaperon.accounts.services import api_token_create
from chaperon.audit.models import AuditEvent
from chaperon.people.models import User
from tests.api.conftest import STAFF_ROLES, Api, api_as
from tests.conftest import Cast

from .plans import changed, one_to_one

CHECK = "/api/policy/check"
DEFAULT_TEXT = files("chaperon.policy.engine").joinpath("default.yaml").read_text(encoding="utf-8")
SPEC_VERDICT = {
    "decision": "needs_exception",
    "policy": "default@1",
    "findings": [
        {
            "rule": "duration.max",
            "outcome": "needs_exception",
            "clause": "SES-3",
            "subject": None,
            "message": "The session lasts 50 minutes; the limit is 45.",
        }
    ],
}


def test_a_call_without_a_token_is_unauthenticated(db: None) -> None:
    response = Api().post(CHECK, {"plan": one_to_one()})
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    bad = Api("chp_0badc0de_this-token-was-never-issued").post(CHECK, {"plan": one_to_one()})
    assert bad.status_code == 401


@pytest.mark.parametrize("name", [*STAFF_ROLES, "outsider"])
def test_any_staff_members_token_gets_the_verdict(cast: Cast, name: str) -> None:
    api = api_as(cast.user(name))
    before = AuditEvent.objects.count()
    response = api.post(CHECK, {"plan": one_to_one(duration_minutes=50)})
    assert response.status_code == 200
    assert response.json() == SPEC_VERDICT
    assert AuditEvent.objects.count() == before  # reads and writes nothing


def test_someone_with_no_staff_role_may_not(cast: Cast) -> None:
    nobody = User.objects.create_user(
        email="visitor@harbour.example",
        organisation=cast.organisation,
        full_name="Vic Ashdown",
        password=None,
    )
    _token, secret = api_token_create(actor=nobody, name="Curious script")
    response = Api(secret).post(CHECK, {"plan": one_to_one()})
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not allow this."}


def test_a_policy_sent_as_yaml_judges_the_plan(cast: Cast) -> None:
    policy = (
        "name: harbour-trust\nversion: 2\ntime_zone: Europe/London\n"
        "working_days: [mon, tue, wed, thu, fri]\nworking_hours_start: 08:00\n"
        "working_hours_end: 18:00\nmax_duration_minutes: 60\nmax_sessions_per_week: 1\n"
        "dbs_valid_years: 3\ntraining_valid_years: 1\naup_valid_years: 1\n"
        "approved_platforms: [builtin]\nexception_approvers: [dsl]\n"
    )
    response = api_as(cast.teacher).post(
        CHECK, {"plan": one_to_one(duration_minutes=50), "policy": policy}
    )
    assert response.status_code == 200
    assert response.json() == {"decision": "allow", "policy": "harbour-trust@2", "findings": []}
    default = api_as(cast.teacher).post(
        CHECK, {"plan": one_to_one(duration_minutes=50), "policy": None}
    )
    assert default.json() == SPEC_VERDICT


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"plan": changed(one_to_one(), session__start="2026-11-23T10:00:00")},
            {"plan.session.start": "not an ISO 8601 date-time with offset"},
        ),
        (
            {"plan": changed(one_to_one(), learners__0__consent__participation="yes")},
            {
                "plan.learners[0].consent.participation": (
                    "must be one of given, declined, withdrawn, missing"
                )
            },
        ),
        (
            {
                "plan": one_to_one(),
                "policy": DEFAULT_TEXT.replace(
                    "max_duration_minutes: 45", "max_duration_minutes: 0"
                ),
            },
            {"policy.max_duration_minutes": "must be a whole number of minutes between 1 and 480"},
        ),
        (
            {"plan": {"session": {}}, "policy": "- a list\n"},
            {
                "policy": "must be a YAML mapping of fields (name: ..., version: ..., ...)",
                "plan.staff": "missing; it is required",
            },
        ),
    ],
)
def test_an_invalid_plan_or_policy_is_answered_422_naming_the_field(
    cast: Cast, body: dict, errors: dict[str, str]
) -> None:
    response = api_as(cast.teacher).post(CHECK, body)
    assert response.status_code == 422
    assert response.json()["errors"] == errors
    assert response.json()["detail"] == "; ".join(f"{k}: {v}" for k, v in errors.items())


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "plan"),
        ({"plan": "not an object"}, "plan"),
        ({"plan": one_to_one(), "policy": 45}, "policy"),
        ({"plan": one_to_one(), "polcy": "name: x"}, "polcy"),
        ({"plan": one_to_one(), "policy": "name: a\x00b"}, "policy"),
        ({"plan": one_to_one(), "policy": "#" * 65_537}, "policy"),
    ],
)
def test_a_body_of_the_wrong_shape_is_answered_422_naming_the_field(
    cast: Cast, body: dict, field: str
) -> None:
    response = api_as(cast.teacher).post(CHECK, body)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]


def test_the_operation_is_documented_in_the_openapi_schema(db: None) -> None:
    from django.test import Client

    document = Client().get("/api/openapi.json").json()
    operation = document["paths"]["/api/policy/check"]["post"]
    assert operation["operationId"] == "policy_check"
    assert operation["security"] == [{"ApiTokenAuth": []}]
    assert set(operation["responses"]) == {"200", "401", "403", "422"}
    verdict = document["components"]["schemas"]["VerdictOut"]
    assert set(verdict["required"]) == {"decision", "policy", "findings"}

"""A request body is read strictly: declared as JSON and made of text, sanely nested, no
larger than a request may be. Each refusal is JSON naming the field, and changes nothing."""

import json

import pytest
from django.test import override_settings

from chaperon.people.models import Guardian
from tests.conftest import Cast
from tests.policy.plans import one_to_one

from .conftest import api_as, people_state

pytestmark = pytest.mark.clause("ORG-7")

GUARDIANS = "/api/guardians"
CHECK = "/api/policy/check"


def test_a_lone_surrogate_is_refused_naming_the_field(cast: Cast) -> None:
    api = api_as(cast.dsl)
    before = people_state()

    response = api.client.post(
        GUARDIANS, '{"full_name": "Morgan \\ud800 Alder"}', content_type="application/json"
    )

    assert response.status_code == 422
    problem = response.json()["errors"]["full_name"]
    assert problem.startswith("holds a lone UTF-16 surrogate (\\ud800), which is not a character")
    assert people_state() == before


def test_a_surrogate_pair_is_a_character_and_is_kept(cast: Cast) -> None:
    api = api_as(cast.dsl)

    response = api.client.post(
        GUARDIANS, '{"full_name": "Morgan \\ud83c\\udf3f Alder"}', content_type="application/json"
    )

    assert response.status_code == 201
    assert Guardian.objects.get(pk=response.json()["id"]).full_name == "Morgan \U0001f33f Alder"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_a_body_not_declared_as_json_is_refused_with_415(cast: Cast, content_type: str) -> None:
    api = api_as(cast.dsl)
    before = people_state()

    response = api.client.generic(
        "POST", GUARDIANS, json.dumps({"full_name": "Morgan Alder"}), content_type=content_type
    )

    assert response.status_code == 415
    assert response["Content-Type"] == "application/json; charset=utf-8"
    given = content_type or "none"
    assert response.json()["errors"] == {
        "Content-Type": f"must be application/json (this request's is {given}): send the body "
        "as JSON and say so in the header"
    }
    assert people_state() == before


def test_json_with_a_charset_is_json(cast: Cast) -> None:
    response = api_as(cast.dsl).client.post(
        GUARDIANS,
        json.dumps({"full_name": "Morgan Alder"}),
        content_type="application/json; charset=utf-8",
    )
    assert response.status_code == 201


def test_an_over_size_body_gets_a_json_413(cast: Cast) -> None:
    api = api_as(cast.dsl)
    before = people_state()

    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2048):
        response = api.post(GUARDIANS, {"full_name": "Morgan Alder", "phone": "0" * 4000})

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["errors"]["body"].startswith(
        "larger than the 2,048 bytes a request may send"
    )
    assert people_state() == before


@pytest.mark.parametrize("levels", [40, 100_000])
def test_deeply_nested_json_is_refused_naming_the_field(cast: Cast, levels: int) -> None:
    # 40 levels parse but are refused after; 100,000 are too deep for the parser itself.
    nested = "[" * levels + "]" * levels
    body = f'{{"plan": {{"version": 1, "session": {nested}}}}}'

    response = api_as(cast.dsl).client.post(CHECK, body, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "plan": "nested more than 32 levels deep; send a flatter document"
    }


def test_a_deeply_nested_policy_document_is_refused_naming_the_field(cast: Cast) -> None:
    deep = "version: " + "[" * 20_000 + "]" * 20_000

    response = api_as(cast.dsl).post(CHECK, {"plan": one_to_one(), "policy": deep})

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "policy": "nested too deeply to be a policy; send a flatter document"
    }


def test_a_body_that_is_not_json_is_refused_with_where(cast: Cast) -> None:
    api = api_as(cast.dsl)
    before = people_state()

    response = api.client.post(GUARDIANS, "{full_name: Alex", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "body": "not valid JSON: Expecting property name enclosed in double quotes at line 1, "
        "column 2"
    }
    assert people_state() == before

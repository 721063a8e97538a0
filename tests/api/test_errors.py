"""Errors outside any one operation are JSON too, with a ``detail`` to show."""

import pytest

from tests.conftest import Cast

from .conftest import Api, api_as, people_state


@pytest.mark.parametrize("path", ["/api/nothing-here", "/api/learners/", "/api/staff/1/role"])
def test_an_address_that_is_no_operation_is_not_found_as_json(cast: Cast, path: str) -> None:
    for api in (Api(), api_as(cast.dsl)):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json() == {
            "detail": "No such API address. The operations are listed at /api/docs."
        }


def test_a_refusal_by_a_service_says_why(cast: Cast) -> None:
    response = api_as(cast.teacher).patch(f"/api/learners/{cast.learner.pk}", {"year_group": "8"})
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not allow this."}


NUL = "Value error, must not contain the NUL character"
# A one-line field refuses every control character, NUL among them, with its own words.
NUL_IN_ONE_LINE = "holds a NUL character (U+0000); write it on one line, without control characters"


@pytest.mark.parametrize(
    ("method", "path", "body", "field", "message"),
    [
        ("get", "/api/learners?search=Rob%00in", None, "search", NUL),
        ("get", "/api/learners?year_group=Year%007", None, "year_group", NUL),
        (
            "post",
            "/api/guardians",
            {"full_name": "Morgan\u0000Alder"},
            "full_name",
            NUL_IN_ONE_LINE,
        ),
        (
            "patch",
            "/api/organisation",
            {"safeguarding_contacts": "DSL\u0000"},
            "safeguarding_contacts",
            NUL,
        ),
    ],
)
def test_text_holding_a_nul_character_is_refused_on_every_database(
    cast: Cast, method: str, path: str, body: dict[str, str] | None, field: str, message: str
) -> None:
    api = api_as(cast.dsl)
    before = people_state()
    response = api.call(method, path, body)
    assert response.status_code == 422
    assert response.json()["errors"] == {field: message}
    assert people_state() == before

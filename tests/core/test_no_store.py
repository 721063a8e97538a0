"""No page of the application is kept by a browser or a proxy: every response to a signed-in
user (or an API token) and every page with personal data says ``Cache-Control: no-store``;
static files keep their cache lifetimes."""

import pytest
from django.test import Client

from tests.api.conftest import api_as
from tests.conftest import Cast, signed_in

pytestmark = pytest.mark.clause("ORG-7")


def _no_store(response: object) -> bool:
    header = response["Cache-Control"]  # type: ignore[index]
    return "no-store" in header and "private" in header


@pytest.mark.parametrize(
    "path",
    ["/dashboard/", "/learners/", "/concerns/", "/sessions/", "/no-such-page/"],
)
def test_every_page_for_a_signed_in_user_is_no_store(cast: Cast, path: str) -> None:
    response = signed_in(cast.dsl).get(path)
    assert response.status_code in {200, 404}
    assert _no_store(response)


def test_a_learners_record_is_no_store(cast: Cast) -> None:
    response = signed_in(cast.teacher).get(f"/learners/{cast.learner.pk}/")
    assert response.status_code == 200
    assert _no_store(response)


def test_an_api_response_to_a_token_is_no_store(cast: Cast) -> None:
    response = api_as(cast.dsl).get(f"/api/learners/{cast.learner.pk}")
    assert response.status_code == 200
    assert _no_store(response)


@pytest.mark.parametrize("path", ["/accounts/sign-in/", "/report/", "/healthz"])
def test_pages_for_anyone_are_no_store_too(db: None, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_static_files_stay_cacheable(db: None) -> None:
    response = Client().get("/static/chaperon/chaperon.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "max-age" in response["Cache-Control"]

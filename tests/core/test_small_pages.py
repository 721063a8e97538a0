"""The icon every page asks for, and how an expected refusal is logged."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import Cast, signed_in

pytestmark = pytest.mark.django_db


def test_the_favicon_is_served_and_linked_from_every_page(cast: Cast) -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    for page in (
        Client().get("/accounts/sign-in/"),
        signed_in(cast.teacher).get("/", follow=True),
    ):
        assert (
            page.content.decode().count('<link rel="icon" href="/static/chaperon/favicon.ico"') == 1
        )


def test_an_expected_refusal_is_logged_as_one_line_without_a_traceback(
    cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="django.request")
    url = reverse("people:import_upload")
    response = signed_in(cast.teacher).get(url)
    assert response.status_code == 403
    [logged] = [record for record in caplog.records if record.name == "django.request"]
    assert logged.levelno == logging.WARNING
    assert logged.getMessage() == f"Forbidden: {url}"
    assert logged.exc_info is None

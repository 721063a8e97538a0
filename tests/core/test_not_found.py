"""The page for an address that leads nowhere: the public are pointed to the report page, staff
to their dashboard."""

import pytest
from django.test import Client

from tests.conftest import Cast, signed_in

pytestmark = pytest.mark.django_db


def test_the_public_are_pointed_to_the_report_page() -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'href="/report/">report a concern</a>' in page and "call 999" in page
    assert "your dashboard" not in page


def test_staff_are_pointed_to_their_dashboard(cast: Cast) -> None:
    response = signed_in(cast.teacher).get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'href="/">go to your dashboard</a>' in page
    assert "report a concern</a>" not in page.split("<main", 1)[-1].split("</main>", 1)[0]

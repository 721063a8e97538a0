"""The public report page: no sign-in, a reference number back, a limit per address, and
nothing at all about any child (INC-1, ORG-1)."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from chaperon.concerns.emergency import _known
from chaperon.concerns.forms import PublicReportForm
from chaperon.concerns.models import Concern
from chaperon.people.models import Organisation
from tests.conftest import Cast

pytestmark = [pytest.mark.django_db, pytest.mark.clause("INC-1")]


def report(about: str, **extra: str) -> dict[str, str]:
    return {
        "reporter_name": "Pat Meadow",
        "reporter_relation": "parent",
        "kind": "concern",
        "about_name": about,
        "category": "not_sure",
        "description": f"I am worried about messages {about} has been getting online.",
        **extra,
    }


def _visible_text(html: str) -> str:
    """What the page says, without the form's echo of what was typed."""
    return re.sub(r"<(input|textarea)[^>]*>.*?(</textarea>)?", "", html, flags=re.DOTALL)


def test_the_page_shows_contacts_ceop_and_the_imagery_guidance(cast: Cast, client: Client) -> None:
    Organisation.objects.filter(pk=cast.organisation.pk).update(
        safeguarding_contacts="Safeguarding team: 01632 960 001, safe@harbour.example"
    )
    html = client.get(reverse("report:for_organisation", args=[cast.organisation.slug])).content
    text = html.decode()
    assert "01632 960 001" in text
    assert "https://www.ceop.police.uk/Safety-Centre/" in text
    assert "Do not delete them" in text and "call 999" in text
    finder = client.get(reverse("report:new"), {"q": "harbour"}).content.decode()
    assert cast.organisation.name in finder and cast.other_organisation.name not in finder


@pytest.mark.parametrize("about", ["Robin Alder", "Nobody Known-Here"])
def test_the_answer_is_the_same_whether_or_not_the_child_is_known(
    cast: Cast, client: Client, about: str
) -> None:
    response = client.post(
        reverse("report:for_organisation", args=[cast.organisation.slug]), report(about)
    )
    assert response.status_code == 200
    text = _visible_text(response.content.decode())
    concern = Concern.objects.get()
    assert concern.reference in text
    assert concern.learner is None  # never matched on the public page
    for secret in (about, "Robin", "Alder", cast.guardian.full_name, "2012"):
        assert secret not in text
    # The page holds the reference and the organisation's contacts, nothing else about anyone.
    assert not re.search(r"(born|date of birth|year group|learner)", text, re.IGNORECASE)


def test_the_organisation_is_chosen_on_the_page_at_report(cast: Cast, client: Client) -> None:
    missing = client.post(reverse("report:new"), report("a child"))
    assert missing.status_code == 400 and not Concern.objects.exists()
    assert "Find your school, college or service first" in missing.content.decode()
    response = client.post(
        reverse("report:new"), report("a child", organisation=cast.other_organisation.slug)
    )
    assert response.status_code == 200
    assert Concern.objects.get().organisation == cast.other_organisation


def test_reports_from_one_address_are_limited(cast: Cast, client: Client, settings) -> None:
    settings.CONCERN_REPORTS_PER_HOUR = 3
    url = reverse("report:for_organisation", args=[cast.organisation.slug])
    for _ in range(3):
        assert client.post(url, report("a child")).status_code == 200
    refused = client.post(url, report("a child"))
    assert refused.status_code == 429
    assert "Too many reports" in refused.content.decode()
    assert "call 999" in refused.content.decode()
    assert Concern.objects.count() == 3
    # Another address is not held back.
    other = Client(REMOTE_ADDR="127.0.0.2")
    assert other.post(url, report("a child")).status_code == 200
    assert Concern.objects.count() == 4


def test_an_image_given_as_a_document_is_refused_and_nothing_is_stored(
    cast: Cast, client: Client
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .helpers import PNG, stored_files

    before_files = stored_files()
    upload = SimpleUploadedFile("notes.pdf", PNG, content_type="application/pdf")
    response = client.post(
        reverse("report:for_organisation", args=[cast.organisation.slug]),
        {**report("a child"), "attachment": upload},
    )
    assert response.status_code == 400
    assert "images and videos are never accepted" in response.content.decode()
    assert not Concern.objects.exists()
    assert stored_files() == before_files


def test_the_empty_form_drawn_once_is_the_form_drawn_afresh_and_a_sent_one_keeps_its_words(
    cast: Cast, client: Client
) -> None:
    address = reverse("report:for_organisation", args=[cast.organisation.slug])
    afresh = render_to_string("concerns/_report_fields.html", {"form": PublicReportForm()})
    for _ in range(2):  # the second view is served from the fields kept after the first
        assert afresh in client.get(address).content.decode()
    refused = client.post(address, report("Robin Alder", description="")).content.decode()
    assert "Robin Alder" in refused and 'aria-invalid="true"' in refused
    assert Concern.objects.count() == 0
    again = client.get(address).content.decode()
    assert afresh in again and "Robin Alder" not in again


def test_the_contacts_changed_are_shown_at_once_though_kept_only_when_they_change(
    cast: Cast, client: Client
) -> None:
    address = reverse("report:for_organisation", args=[cast.organisation.slug])
    for contacts in ("Call 01632 960 101", "Call 01632 960 202"):
        Organisation.objects.filter(pk=cast.organisation.pk).update(safeguarding_contacts=contacts)
        assert contacts in client.get(address).content.decode()
    assert _known(cast.organisation.slug)["contacts"] == "Call 01632 960 202"

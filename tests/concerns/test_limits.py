"""Abuse limits that hold (INC-1): reports per address counted atomically, addresses believed only
from trusted proxies, uploads stopped at their limit as they arrive, bounded text, and anonymous
reports welcome."""

import base64
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chaperon.concerns import services
from chaperon.concerns.models import Concern, ConcernEntry
from chaperon.core.actors import PUBLIC
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.models import EmailDelivery
from tests.conftest import Cast, signed_in

from . import documents as d
from .helpers import public_concern, stored_files

pytestmark = [pytest.mark.clause("INC-1")]


def _report(**extra: object) -> dict[str, object]:
    return {
        "reporter_name": "Pat Meadow",
        "reporter_relation": "parent",
        "kind": "concern",
        "category": "not_sure",
        "description": "I am worried about messages my daughter has been getting online.",
        **extra,
    }


@pytest.mark.django_db(transaction=True)
def test_parallel_reports_from_one_address_never_pass_the_limit(cast: Cast, settings) -> None:
    """25 reports at the same moment from one address, against a limit of 10: exactly 10 are
    raised (the count is a locked row, not a read then a write). Real threads, real database."""
    settings.CONCERN_REPORTS_PER_HOUR = 10
    url = reverse("report:for_organisation", args=[cast.organisation.slug])
    start = threading.Barrier(25, timeout=60)
    statuses: list[int] = []

    def send() -> None:
        try:
            client = Client(REMOTE_ADDR="192.0.2.7")
            start.wait()
            statuses.append(client.post(url, _report()).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(25)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)
    assert sorted(statuses) == [200] * 10 + [429] * 15
    assert Concern.objects.count() == 10


@pytest.mark.django_db
def test_a_refused_report_does_not_use_up_the_limit(cast: Cast, client: Client, settings) -> None:
    settings.CONCERN_REPORTS_PER_HOUR = 1
    url = reverse("report:for_organisation", args=[cast.organisation.slug])
    assert client.post(url, _report(description="short")).status_code == 400
    assert client.post(url, _report()).status_code == 200
    assert client.post(url, _report()).status_code == 429
    assert Concern.objects.count() == 1


@pytest.mark.django_db
def test_forwarded_addresses_count_only_behind_a_trusted_proxy(
    cast: Cast, client: Client, settings
) -> None:
    settings.CONCERN_REPORTS_PER_HOUR = 1
    url = reverse("report:for_organisation", args=[cast.organisation.slug])
    # Nobody trusted: a made-up X-Forwarded-For does not make a new reporter.
    assert client.post(url, _report(), HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 200
    assert client.post(url, _report(), HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 429
    # Behind the proxy the operator named, each client it reports is counted apart.
    settings.TRUSTED_PROXIES = ["127.0.0.0/8"]
    assert client.post(url, _report(), HTTP_X_FORWARDED_FOR="198.51.100.3").status_code == 200
    spoofed = "198.51.100.3, 198.51.100.9"  # the proxy appended .9: .3 was typed by the client
    assert client.post(url, _report(), HTTP_X_FORWARDED_FOR=spoofed).status_code == 200
    assert (
        client.post(url, _report(), HTTP_X_FORWARDED_FOR="203.0.113.4, 198.51.100.9").status_code
        == 429
    )
    assert Concern.objects.count() == 3


@pytest.mark.django_db
def test_a_document_over_the_limit_is_stopped_with_the_field_and_limit_named(
    cast: Cast, client: Client, settings
) -> None:
    settings.CONCERN_ATTACHMENT_MAX_BYTES = 64 * 1024
    before = stored_files()
    upload = SimpleUploadedFile("letter.txt", b"words " * 40_000, content_type="text/plain")
    response = client.post(
        reverse("report:for_organisation", args=[cast.organisation.slug]),
        _report(attachment=upload),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "larger than 64.0\xa0KB, the largest accepted here" in html
    assert 'id="id_attachment"' in html and "A document, if you have one" in html
    assert not Concern.objects.exists() and stored_files() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "length", "limit"),
    [
        ("description", 20_001, "20000"),
        ("material_location", 4_001, "4000"),
        ("seen_by", 4_001, "4000"),
    ],
)
def test_long_text_is_refused_naming_the_field_and_its_limit(
    cast: Cast, client: Client, field: str, length: int, limit: str
) -> None:
    response = client.post(
        reverse("report:for_organisation", args=[cast.organisation.slug]),
        _report(**{field: "w" * length}),
    )
    assert response.status_code == 400
    assert f"at most {limit} characters (it has {length})" in response.content.decode()
    assert not Concern.objects.exists()


@pytest.mark.django_db
def test_the_service_and_the_database_bound_the_text_too(cast: Cast) -> None:
    """Whatever calls the service (a room, a task, the API) meets the same limits; the
    database refuses a row written around the service."""
    with pytest.raises(ValidationFailed) as refused:
        public_concern(cast.organisation, description="w" * 10 * 1024 * 1024)
    assert (
        refused.value.errors["description"] == "keep this to 20,000 characters (it has 10,485,760)"
    )
    with pytest.raises(ValidationFailed) as refused:
        public_concern(cast.organisation, seen_by="w" * 4_001)
    assert "4,000" in refused.value.errors["seen_by"]
    assert not Concern.objects.exists() and not EmailDelivery.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        Concern.objects.create(
            organisation=cast.organisation,
            reference="SG-2099-9999",
            kind="concern",
            source="public",
            description="w" * 20_001,
            last_alerted_at=timezone.now(),
        )


@pytest.mark.django_db
def test_a_picture_written_into_the_text_is_refused_and_other_code_is_removed(
    cast: Cast,
) -> None:
    picture = f"data:image/png;base64,{base64.b64encode(d.PNG).decode()}"
    with pytest.raises(ValidationFailed) as refused:
        public_concern(cast.organisation, material_location=f"It was this: {picture}")
    assert "never accepted" in refused.value.errors["material_location"]
    with pytest.raises(ValidationFailed):
        public_concern(
            cast.organisation,
            description=f"Look at this {base64.b64encode(d.JPEG).decode()} please",
        )
    assert not Concern.objects.exists()
    blob = base64.b64encode(b"not a picture at all, " * 10).decode()
    concern = public_concern(
        cast.organisation, description=f"A message said data:text/plain,hello and {blob} too."
    )
    assert concern.description.startswith("A message said [a data: address was removed")
    assert blob not in concern.description and concern.description.endswith("too.")
    d.assert_text_only(concern.description.encode())


@pytest.mark.django_db
def test_an_anonymous_report_is_welcome(cast: Cast, client: Client) -> None:
    url = reverse("report:for_organisation", args=[cast.organisation.slug])
    page = client.get(url).content.decode()
    assert "Your name (optional)" in page
    assert "an anonymous report is welcome" in page and "cannot get back to you" in page
    response = client.post(url, _report(reporter_name=""))
    assert response.status_code == 200
    concern = Concern.objects.get()
    assert concern.reporter_name == "" and concern.reference in response.content.decode()
    raised = ConcernEntry.objects.get(concern=concern, kind="raised")
    assert raised.summary == "Raised by Anonymous (Public report page)"
    dsl_page = signed_in(cast.dsl).get(reverse("concerns:detail", args=[concern.pk]))
    assert dsl_page.status_code == 200


@pytest.mark.django_db
def test_anonymous_reports_still_say_who_the_reporter_is(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.concern_raise(
            actor=PUBLIC,
            organisation=cast.organisation,
            description="Someone keeps asking my son for photos online.",
            reporter_relation="",
        )
    assert set(refused.value.errors) == {"reporter_relation"}

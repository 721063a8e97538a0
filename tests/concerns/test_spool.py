"""The public page during a database fault (INC-1, LOG-1): the emergency advice at once, and the
report kept, encrypted, in the spool, to be raised exactly once when the database is back."""

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import reverse

from chaperon.concerns import spool
from chaperon.concerns.models import Concern, ConcernAttachment, ConcernEntry, SpooledReport
from chaperon.core.models import EmailDelivery
from chaperon.people.models import Organisation
from tests.conftest import Cast

from . import documents as d
from .helpers import always_in_hours

pytestmark = [pytest.mark.django_db, pytest.mark.clause("LOG-1"), pytest.mark.clause("INC-2")]

DESCRIPTION = "A man in a game chat asked my daughter Robin to meet him at the park on Saturday."
CONTACTS = "Safeguarding team: 01632 960 001"


@contextlib.contextmanager
def database_down() -> Iterator[None]:
    """Every query fails as it does when the database server is gone."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")

    with (
        mock.patch.object(CursorWrapper, "execute", refuse),
        mock.patch.object(CursorWrapper, "executemany", refuse),
    ):
        yield


def _report(**extra: object) -> dict[str, object]:
    return {
        "reporter_name": "Pat Meadow",
        "reporter_relation": "parent",
        "reporter_contact": "pat@home.example",
        "kind": "concern",
        "category": "contact",
        "types": ["grooming"],
        "description": DESCRIPTION,
        "immediate_danger": "on",
        **extra,
    }


def _spooled() -> list[Path]:
    return sorted(spool.folder().glob("*.report"))


def _post_while_down(cast: Cast, client: Client, **extra: object) -> Any:
    url = reverse("report:for_organisation", args=[cast.organisation.slug])
    client.get(url)  # the page was seen while all was well: its contacts are remembered
    with database_down():
        return client.post(url, _report(**extra))


@pytest.fixture
def organisation_with_contacts(cast: Cast) -> Organisation:
    Organisation.objects.filter(pk=cast.organisation.pk).update(safeguarding_contacts=CONTACTS)
    cast.organisation.refresh_from_db()
    always_in_hours(cast.organisation)
    return cast.organisation


def test_a_report_during_a_fault_gets_the_emergency_page_and_is_kept_encrypted(
    cast: Cast, client: Client, organisation_with_contacts: Organisation
) -> None:
    response = _post_while_down(cast, client)
    assert response.status_code == 503
    html = response.content.decode()
    assert "call 999 now" in html and "https://www.ceop.police.uk/Safety-Centre/" in html
    assert CONTACTS in html and "Server Error" not in html
    assert "Your receipt code is" in html and "immediate danger" in html
    assert not Concern.objects.exists()
    [path] = _spooled()
    assert path.stat().st_mode & 0o777 == 0o600
    assert spool.folder().stat().st_mode & 0o777 == 0o700
    content = path.read_bytes()
    for plaintext in (DESCRIPTION, "Robin", "Pat Meadow", "pat@home.example", "grooming"):
        assert plaintext.encode() not in content
    assert cast.organisation.slug.encode() not in content
    receipt = spool.receipt_code(spool.read_report(path)[0])
    assert receipt in html


def test_replay_raises_the_report_once_and_alerts_the_dsl(
    cast: Cast, client: Client, organisation_with_contacts: Organisation
) -> None:
    _post_while_down(cast, client)
    [path] = _spooled()
    receipt = spool.receipt_code(spool.read_report(path)[0])

    call_command("replay_spooled_reports")
    concern = Concern.objects.get()
    assert concern.description == DESCRIPTION and concern.reporter_name == "Pat Meadow"
    assert concern.immediate_danger and concern.types == ["grooming"]
    raised = ConcernEntry.objects.get(concern=concern, kind="raised")
    assert f"receipt {receipt}" in raised.summary and raised.data["spool_receipt"] == receipt
    alerted = set(
        EmailDelivery.objects.filter(purpose="concern_alert").values_list("to", flat=True)
    )
    assert cast.dsl.email in alerted
    assert _spooled() == []

    spool.replay_spooled_reports()
    assert Concern.objects.count() == 1 and SpooledReport.objects.get().concern == concern


def test_replay_is_raised_exactly_once_when_it_crashes_midway(
    cast: Cast, client: Client, organisation_with_contacts: Organisation
) -> None:
    _post_while_down(cast, client)
    # A crash before the concern commits: nothing is raised, the report is kept.
    with (
        mock.patch.object(SpooledReport.objects, "create", side_effect=RuntimeError("killed")),
        pytest.raises(RuntimeError),
    ):
        spool.replay_spooled_reports()
    assert not Concern.objects.exists() and not EmailDelivery.objects.exists()
    assert len(_spooled()) == 1
    # A crash after it commits, before the file goes: the next replay only tidies up.
    with (
        mock.patch.object(Path, "unlink", side_effect=OSError("killed")),
        pytest.raises(OSError),
    ):
        spool.replay_spooled_reports()
    assert Concern.objects.count() == 1 and len(_spooled()) == 1
    alerts = EmailDelivery.objects.count()
    result = spool.replay_spooled_reports()
    assert result.raised == [] and len(result.already) == 1
    assert Concern.objects.count() == 1 and EmailDelivery.objects.count() == alerts
    assert _spooled() == []


def test_a_document_is_kept_as_words_in_the_spool_too(
    cast: Cast, client: Client, organisation_with_contacts: Organisation
) -> None:
    letter = SimpleUploadedFile("letter.pdf", d.PDF_INLINE_IMAGE, content_type="application/pdf")
    assert _post_while_down(cast, client, attachment=letter).status_code == 503
    [path] = _spooled()
    _, report = spool.read_report(path)
    assert "JFIF" not in str(report) and d.JPEG.hex()[:40] not in str(report)
    spool.replay_spooled_reports()
    document = ConcernAttachment.objects.get()
    assert document.name == "letter.txt" and document.content_type == "text/plain"


def test_a_picture_is_refused_during_a_fault_too(
    cast: Cast, client: Client, organisation_with_contacts: Organisation
) -> None:
    picture = SimpleUploadedFile("photo.jpg", d.JPEG, content_type="image/jpeg")
    response = _post_while_down(cast, client, attachment=picture)
    assert response.status_code == 503
    html = response.content.decode()
    assert "could not be kept" in html and "never accepted" in html and "call 999" in html
    assert _spooled() == []


def test_the_page_itself_during_a_fault_gives_the_advice(cast: Cast, client: Client) -> None:
    with database_down():
        response = client.get(reverse("report:new"))
    assert response.status_code == 503
    html = response.content.decode()
    assert "call 999 now" in html and "Safety-Centre" in html and "try again" in html
    assert _spooled() == []


def test_a_report_that_cannot_be_kept_says_so(
    cast: Cast, client: Client, organisation_with_contacts: Organisation, settings
) -> None:
    settings.CONCERN_SPOOL_DIR = Path("/proc/chaperon-cannot-write-here")
    response = _post_while_down(cast, client)
    assert response.status_code == 503
    html = response.content.decode()
    assert "your report could not be kept" in html and "call 999 now" in html
    assert CONTACTS in html

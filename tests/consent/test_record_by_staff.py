"""Consent given another way (a reply email, a paper form), recorded by staff with the file that
proves it; and agreements with families who record sessions themselves (REC-9)."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chaperon.audit.actions import AuditAction
from chaperon.consent.models import (
    Channel,
    Consent,
    ConsentEvidence,
    ConsentRequest,
    OwnRecordingAgreement,
    RequestStatus,
)
from chaperon.people.selectors import organisation_today
from tests.conftest import Cast, signed_in
from tests.mail_support import Mailbox

from .helpers import audit_since, last_seq, send_request

pytestmark = [pytest.mark.django_db, pytest.mark.clause("SES-9")]

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _form(cast: Cast, **changes: object) -> dict[str, object]:
    today = organisation_today(cast.organisation)
    data: dict[str, object] = {
        "answered_by": str(cast.guardian.pk),
        "answered_by_name": "Morgan Alder",
        "channel": "paper",
        "given_on": (today - timedelta(days=2)).isoformat(),
        "live_group": "given",
        "recording": "declined",
        "parent_information": "given",
        "attachment": SimpleUploadedFile("signed form.pdf", PDF, "application/pdf"),
        "reason": "Returned in the book bag",
    }
    data.update(changes)
    return data


def _files() -> set[str]:
    """Every evidence file in the default storage (tests share one in-memory storage)."""
    try:
        folders, _files = default_storage.listdir("consent")
    except FileNotFoundError:
        return set()
    return {
        f"{folder}/{name}"
        for folder in folders
        for name in default_storage.listdir(f"consent/{folder}")[1]
    }


def test_a_paper_form_is_recorded_with_its_file(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    since = last_seq()
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(cast.deputy).post(
            f"/consent/learners/{cast.learner.pk}/record/", _form(cast)
        )
    assert response.status_code == 302
    evidence = ConsentEvidence.objects.get()
    assert (evidence.channel, evidence.recorded_by, evidence.guardian) == (
        Channel.PAPER,
        cast.deputy,
        cast.guardian,
    )
    assert evidence.given_on == organisation_today(cast.organisation) - timedelta(days=2)
    assert evidence.attachment_name == "signed form.pdf"
    assert evidence.attachment_type == "application/pdf"
    assert evidence.statement is not None and evidence.statement_sha256
    with default_storage.open(str(evidence.attachment.name)) as stored:
        assert stored.read() == PDF
    answers = dict(Consent.objects.values_list("purpose", "answer"))
    assert answers == {
        "live_group": "given",
        "recording": "declined",
        "parent_information": "given",
    }
    recorded = audit_since(since, AuditAction.CONSENT_RECORDED_BY_STAFF)
    assert len(recorded) == 3
    assert {(e.actor_id, e.reason) for e in recorded} == {
        (cast.deputy.pk, "Returned in the book bag")
    }
    # The guardian gets a receipt of what was recorded, with the way to change it.
    [receipt] = smtp_server.to(cast.guardian.email)
    assert "receipt" in receipt["Subject"]

    # The file is there for those who record consent, and opening it is audited.
    opened = signed_in(cast.dsl).get(f"/consent/files/evidence/{evidence.pk}/")
    assert opened.status_code == 200
    assert b"".join(opened.streaming_content) == PDF  # type: ignore[attr-defined]
    assert 'filename="signed form.pdf"' in opened["Content-Disposition"]
    [viewed] = audit_since(since, AuditAction.CONSENT_EVIDENCE_VIEWED)
    assert viewed.actor_id == cast.dsl.pk


def test_an_answer_to_a_request_closes_that_request(cast: Cast) -> None:
    cast.guardian.email = ""
    cast.guardian.save()
    consent_request = send_request(cast.teacher, cast.learner)
    assert consent_request.status == RequestStatus.NEEDS_OTHER_CHANNEL
    response = signed_in(cast.admin).post(
        f"/consent/learners/{cast.learner.pk}/record/",
        _form(cast, request=str(consent_request.pk), channel="text_message"),
    )
    assert response.status_code == 302
    consent_request.refresh_from_db()
    assert consent_request.status == RequestStatus.ANSWERED
    evidence = ConsentEvidence.objects.get()
    assert evidence.request == consent_request
    assert evidence.statement == consent_request.statement


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("form.docx", b"PK\x03\x04 word file", "application/pdf"), "PDF"),
        (SimpleUploadedFile("form.html", b"<html><script>", "image/png"), "PDF"),
        (SimpleUploadedFile("empty.pdf", b"", "application/pdf"), "empty"),
        (
            SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "application/pdf"),
            "5.0",
        ),
    ],
    ids=["word", "html-named-image", "empty", "too-big"],
)
def test_a_file_that_is_not_a_pdf_or_image_or_too_big_is_refused(
    cast: Cast, upload: SimpleUploadedFile, message: str
) -> None:
    since, files = last_seq(), _files()
    response = signed_in(cast.dsl).post(
        f"/consent/learners/{cast.learner.pk}/record/", _form(cast, attachment=upload)
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "The form, email or message, as a file" in body
    assert message in body
    assert not ConsentEvidence.objects.exists() and not Consent.objects.exists()
    assert audit_since(since) == []
    assert _files() == files


def test_an_image_is_accepted(cast: Cast) -> None:
    response = signed_in(cast.dsl).post(
        f"/consent/learners/{cast.learner.pk}/record/",
        _form(cast, attachment=SimpleUploadedFile("photo.png", PNG, "image/png")),
    )
    assert response.status_code == 302
    assert ConsentEvidence.objects.get().attachment_type == "image/png"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"channel": "phone"}, "Select a valid choice"),
        ({"given_on": "2999-01-01"}, "cannot be in the future"),
        ({"live_group": "", "recording": "", "parent_information": ""}, "at least one purpose"),
        ({"answered_by": "learner"}, "Select a valid choice"),
        ({"live_one_to_one": "given"}, "give the days and times"),
    ],
    ids=["spoken", "future", "no-answers", "child-for-themself", "no-slots"],
)
def test_bad_input_is_refused_and_nothing_is_half_saved(
    cast: Cast, changes: dict[str, object], message: str
) -> None:
    files = _files()
    response = signed_in(cast.dsl).post(
        f"/consent/learners/{cast.learner.pk}/record/", _form(cast, **changes)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ConsentEvidence.objects.exists() and not Consent.objects.exists()
    assert _files() == files


def test_a_request_already_answered_cannot_be_answered_again_on_paper(cast: Cast) -> None:
    consent_request = send_request(cast.teacher, cast.learner)
    ConsentRequest.objects.filter(pk=consent_request.pk).update(status=RequestStatus.ANSWERED)
    files = _files()
    response = signed_in(cast.dsl).post(
        f"/consent/learners/{cast.learner.pk}/record/",
        _form(cast, request=str(consent_request.pk)),
    )
    assert response.status_code == 400
    assert not ConsentEvidence.objects.exists()
    assert _files() == files  # the file saved before the refusal is removed again


@pytest.mark.clause("REC-9")
def test_a_familys_own_recording_agreement_is_kept(cast: Cast) -> None:
    today = organisation_today(cast.organisation)
    since = last_seq()
    response = signed_in(cast.dsl).post(
        f"/consent/learners/{cast.learner.pk}/own-recording/",
        {
            "recorded_by_name": "Morgan Alder",
            "purpose": "To watch the reading session again at home",
            "agreed_on": today.isoformat(),
            "kept_until": (today + timedelta(days=30)).isoformat(),
            "attachment": SimpleUploadedFile("agreement.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302
    agreement = OwnRecordingAgreement.objects.get()
    assert agreement.purpose == "To watch the reading session again at home"
    assert agreement.kept_until == today + timedelta(days=30)
    assert agreement.entered_by == cast.dsl
    [event] = audit_since(since, AuditAction.OWN_RECORDING_AGREEMENT_RECORDED)
    assert event.actor_id == cast.dsl.pk
    page = signed_in(cast.teacher).get(f"/consent/learners/{cast.learner.pk}/").content.decode()
    assert "To watch the reading session again at home" in page
    assert "Open the signed agreement" not in page  # files are for those who record consent


@pytest.mark.clause("REC-9")
def test_an_agreement_kept_longer_than_possible_is_refused(cast: Cast) -> None:
    today = organisation_today(cast.organisation)
    files = _files()
    response = signed_in(cast.dsl).post(
        f"/consent/learners/{cast.learner.pk}/own-recording/",
        {
            "recorded_by_name": "Morgan Alder",
            "purpose": "Revision",
            "agreed_on": today.isoformat(),
            "kept_until": (today - timedelta(days=1)).isoformat(),
            "attachment": SimpleUploadedFile("agreement.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 400
    assert "must be on or after the day of the agreement" in response.content.decode()
    assert not OwnRecordingAgreement.objects.exists()
    assert _files() == files


def test_a_guardian_cannot_reach_staff_pages_from_their_link(cast: Cast) -> None:
    response = Client().get(f"/consent/learners/{cast.learner.pk}/record/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")

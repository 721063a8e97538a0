"""What a parent reads: a receipt as a PDF beside the JSON, a short receipt number and statement
reference instead of a 64-digit hash (the full values are in the PDF and JSON), wording that
says where things are, and every opening of their pages on the record."""

import pytest
from django.test import Client

from chaperon.audit.actions import AuditAction
from chaperon.consent import links
from chaperon.consent.models import ConsentEvidence, StatementVersion
from tests.concerns.helpers import pdf_text
from tests.conftest import Cast, signed_in

from .helpers import agree_to_all_but, audit_since, form_data, last_seq, send_request

pytestmark = [pytest.mark.clause("REC-3"), pytest.mark.clause("REC-4")]


def _answered(cast: Cast) -> tuple[Client, str, ConsentEvidence]:
    """A guardian who has answered by link: their client, manage token and the evidence."""
    consent_request = send_request(cast.teacher, cast.learner)
    guardian = Client()
    response = guardian.post(
        f"/consent/r/{links.request_token(consent_request)}/",
        form_data(agree_to_all_but("images")),
    )
    assert response.status_code == 302
    consent_request.refresh_from_db()
    return guardian, links.access_token(consent_request.access), ConsentEvidence.objects.get()


def test_the_receipt_page_shows_short_numbers_and_offers_the_pdf(cast: Cast) -> None:
    guardian, token, evidence = _answered(cast)

    page = guardian.get(f"/consent/m/{token}/receipts/{evidence.receipt_id}/")

    body = page.content.decode()
    assert page.status_code == 200
    assert f"<dd>{evidence.receipt_number}</dd>" in body
    assert f"reference {evidence.statement_reference}" in body
    assert "SHA-256" not in body and evidence.statement_sha256 not in body
    assert f"/receipts/{evidence.receipt_id}.pdf" in body
    assert f"/receipts/{evidence.receipt_id}.json" in body


def test_the_receipt_pdf_holds_the_full_receipt_number_and_hash_and_is_audited(
    cast: Cast,
) -> None:
    guardian, token, evidence = _answered(cast)
    since = last_seq()

    response = guardian.get(f"/consent/m/{token}/receipts/{evidence.receipt_id}.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="consent-receipt-{evidence.receipt_id}.pdf"'
    )
    text = pdf_text(response.content)
    assert f"Consent receipt {evidence.receipt_number}" in text
    assert str(evidence.receipt_id) in text
    assert evidence.statement_sha256 in text
    assert "Robin Alder" in text and "Morgan Alder" in text
    assert "Being recorded in live sessions: given" in text
    assert "Use of images: declined" in text
    [event] = audit_since(since, AuditAction.CONSENT_RECEIPT_VIEWED)
    assert (event.actor_id, event.actor_label) == (None, "personal link")
    assert event.details == {"form": "pdf", "link": evidence.access_id}
    assert (event.object_type, event.object_id) == ("consent.consentevidence", str(evidence.pk))


def test_another_link_opens_no_pdf(cast: Cast) -> None:
    _guardian, _token, evidence = _answered(cast)
    since = last_seq()
    forged = Client().get(f"/consent/m/forged/receipts/{evidence.receipt_id}.pdf")
    assert forged.status_code == 404
    assert audit_since(since, AuditAction.CONSENT_RECEIPT_VIEWED) == []


def test_the_manage_page_links_each_receipt_as_pdf_and_json_and_its_opening_is_audited(
    cast: Cast,
) -> None:
    guardian, token, evidence = _answered(cast)
    since = last_seq()

    body = guardian.get(f"/consent/m/{token}/").content.decode()

    assert f"receipt {evidence.receipt_number}" in body
    assert f"/consent/m/{token}/receipts/{evidence.receipt_id}.pdf" in body
    assert f"/consent/m/{token}/receipts/{evidence.receipt_id}.json" in body
    [event] = audit_since(since, AuditAction.CONSENT_LINK_OPENED)
    assert event.details == {"page": "manage", "learner": cast.learner.pk}


def test_the_answer_page_names_the_statement_by_a_short_reference_above_the_answers(
    cast: Cast,
) -> None:
    consent_request = send_request(cast.teacher, cast.learner)
    since = last_seq()

    body = Client().get(f"/consent/r/{links.request_token(consent_request)}/").content.decode()

    statement = StatementVersion.objects.get()
    assert f"Statement version 1, reference {statement.reference}" in body
    assert "SHA-256" not in body and statement.sha256 not in body
    # The recording policy and the parent information are in the statement, above the
    # answers: the answers must not send the reader "below" for them.
    assert body.index("Recording policy") < body.index("<form")
    assert "policy below" not in body and "carers below" not in body
    assert "as the recording policy in the consent statement describes" in body
    [event] = audit_since(since, AuditAction.CONSENT_LINK_OPENED)
    assert event.details == {"page": "answer", "learner": cast.learner.pk}


def test_staff_who_record_consent_open_the_pdf_receipt(cast: Cast) -> None:
    _guardian, _token, evidence = _answered(cast)
    since = last_seq()

    response = signed_in(cast.dsl).get(f"/consent/evidence/{evidence.pk}/receipt.pdf")

    assert response.status_code == 200
    assert str(evidence.receipt_id) in pdf_text(response.content)
    [event] = audit_since(since, AuditAction.CONSENT_RECEIPT_VIEWED)
    assert (event.actor_id, event.details) == (cast.dsl.pk, {"form": "pdf"})


def test_a_teacher_sees_the_consents_but_no_receipt_link(cast: Cast) -> None:
    _guardian, _token, evidence = _answered(cast)

    body = signed_in(cast.teacher).get(f"/consent/learners/{cast.learner.pk}/").content.decode()

    assert "Morgan Alder" in body  # the evidence is listed ...
    assert f"/consent/evidence/{evidence.pk}/receipt" not in body  # ... its receipt is not
    dsl_body = signed_in(cast.dsl).get(f"/consent/learners/{cast.learner.pk}/").content.decode()
    assert f"/consent/evidence/{evidence.pk}/receipt.pdf" in dsl_body

"""The whole request on a real SMTP server on loopback: the request arrives with the statement
and a personal link, the link works once, the answer is kept with its evidence, and the receipt
arrives with its Kantara JSON."""

import hashlib
import json
from datetime import date

import pytest
from django.test import Client

from chaperon.audit.actions import AuditAction
from chaperon.consent.models import (
    Channel,
    Consent,
    ConsentEvidence,
    ConsentRequest,
    RequestStatus,
    StatementVersion,
)
from chaperon.core.models import DeliveryStatus, EmailDelivery
from chaperon.people.selectors import organisation_today
from tests.conftest import Cast, signed_in
from tests.mail_support import Mailbox

from .helpers import (
    ALL_PURPOSES,
    agree_to_all_but,
    audit_since,
    body,
    form_data,
    last_seq,
    links_in,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.clause("SES-8"),
    pytest.mark.clause("SES-9"),
    pytest.mark.clause("REC-4"),
]

KANTARA_FIELDS = {
    "version",
    "jurisdiction",
    "consentTimestamp",
    "collectionMethod",
    "consentReceiptID",
    "language",
    "piiPrincipalId",
    "piiControllers",
    "policyUrl",
    "services",
    "sensitive",
    "spiCat",
}
CONTROLLER_FIELDS = {"piiController", "contact", "address", "email", "phone"}
PURPOSE_FIELDS = {
    "purpose",
    "purposeCategory",
    "consentType",
    "piiCategory",
    "primaryPurpose",
    "termination",
    "thirdPartyDisclosure",
}


def _send_as_teacher(cast: Cast, capture) -> None:
    with capture(execute=True):
        response = signed_in(cast.teacher).post(
            f"/consent/learners/{cast.learner.pk}/send/",
            {"purposes": ALL_PURPOSES, "guardians": [cast.guardian.pk], "reason": "New term"},
        )
    assert response.status_code == 302


@pytest.mark.clause("REC-3")
@pytest.mark.clause("REC-5")
def test_the_request_email_carries_the_statement_and_a_personal_link(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    since = last_seq()
    _send_as_teacher(cast, django_capture_on_commit_callbacks)

    [message] = smtp_server.to(cast.guardian.email)
    text = body(message)
    statement = StatementVersion.objects.get(organisation=cast.organisation)
    assert message["Subject"] == "Consent for Robin Alder: please answer"
    assert "Dear Morgan Alder" in text
    assert statement.text.strip() in text  # the whole statement, as hashed
    assert statement.sha256 == hashlib.sha256(statement.text.encode()).hexdigest()
    # Parents read a short reference; the full hash is in the receipt's PDF and JSON (REC-3).
    assert f"Reference {statement.reference}" in text
    assert statement.sha256 not in text and "SHA-256" not in text
    # The recording policy, generated from the settings (REC-3, REC-5) ...
    for words in (
        "What is recorded:",
        "Why:",
        "Where recordings are kept:",
        "How long they are kept: 30 days",
        "Who may see them, and how:",
        "How they are destroyed:",
    ):
        assert words in text
    # ... and the parent information (SES-8).
    assert "headphones are not used" in text and "not a bedroom" in text
    paths = links_in(message)
    assert set(paths) == {"answer", "manage"}

    consent_request = ConsentRequest.objects.get()
    assert consent_request.status == RequestStatus.AWAITING
    assert consent_request.email_delivery is not None
    assert consent_request.email_delivery.status == DeliveryStatus.SENT
    assert consent_request.email_delivery.purpose == "consent_request"
    [sent] = audit_since(since, AuditAction.CONSENT_REQUEST_SENT)
    assert (sent.actor_id, sent.reason) == (cast.teacher.pk, "New term")
    assert sent.details["statement_sha256"] == statement.sha256


def test_the_link_works_once_and_the_answer_is_kept_with_its_evidence(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    _send_as_teacher(cast, django_capture_on_commit_callbacks)
    paths = links_in(smtp_server.to(cast.guardian.email)[0])
    guardian = Client()
    page = guardian.get(paths["answer"])
    assert page.status_code == 200
    assert "Consent for Robin Alder" in page.content.decode()
    since = last_seq()

    with django_capture_on_commit_callbacks(execute=True):
        response = guardian.post(paths["answer"], form_data(agree_to_all_but("recording")))

    evidence = ConsentEvidence.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/receipts/{evidence.receipt_id}/")
    consent_request = ConsentRequest.objects.get()
    statement = StatementVersion.objects.get()
    assert consent_request.status == RequestStatus.ANSWERED
    assert (evidence.request, evidence.guardian, evidence.learner) == (
        consent_request,
        cast.guardian,
        cast.learner,
    )
    assert (evidence.channel, evidence.answered_by_name) == (Channel.ONLINE, "Morgan Alder")
    assert (evidence.statement, evidence.statement_sha256) == (statement, statement.sha256)
    assert evidence.answered_at is not None
    answers = {c.purpose: c for c in Consent.objects.filter(evidence=evidence)}
    assert {p: c.answer for p, c in answers.items()} == agree_to_all_but("recording")
    today = organisation_today(cast.organisation)
    one_to_one = answers["live_one_to_one"]
    assert one_to_one.slots == [{"days": ["tue", "thu"], "from": "16:00", "to": "17:00"}]
    assert one_to_one.valid_until == date(today.year + 1, today.month, today.day) or (
        today.month == 2 and today.day == 29
    )
    assert answers["recording"].valid_until is None

    # Every answer is in the audit log, naming the guardian and the request it answered.
    answered = audit_since(since, AuditAction.CONSENT_ANSWERED)
    assert sorted(event.details["purpose"] for event in answered) == sorted(ALL_PURPOSES)
    for event in answered:
        assert event.actor_id is None
        assert event.actor_label == "Morgan Alder (guardian, by personal link)"
        assert event.reason.startswith("Answer to the consent request sent on")
        assert event.details["request"] == consent_request.pk

    # The link has done its work: opening or sending it again changes nothing.
    again = guardian.get(paths["answer"])
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    resent = guardian.post(paths["answer"], form_data(agree_to_all_but()))
    assert resent.status_code == 410
    assert ConsentEvidence.objects.count() == 1
    assert Consent.objects.get(purpose="recording", superseded_at__isnull=True).answer == "declined"


def test_the_receipt_arrives_with_the_kantara_json(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    _send_as_teacher(cast, django_capture_on_commit_callbacks)
    paths = links_in(smtp_server.to(cast.guardian.email)[0])
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(paths["answer"], form_data(agree_to_all_but("recording", "images")))

    evidence = ConsentEvidence.objects.get()
    [receipt] = [m for m in smtp_server.to(cast.guardian.email) if "receipt" in m["Subject"]]
    text = body(receipt)
    assert "Being recorded in live sessions: declined" in text
    assert "Taking part in live 1:1 video sessions: given" in text
    assert f"Receipt number: {evidence.receipt_number}" in text
    assert str(evidence.receipt_id) not in text and evidence.statement_sha256 not in text
    assert links_in(receipt)["manage"] == paths["manage"]  # the way to change their mind
    pdf, attachment = list(receipt.iter_attachments())
    assert pdf.get_filename() == f"consent-receipt-{evidence.receipt_id}.pdf"
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_content().startswith(b"%PDF")
    assert attachment.get_filename() == f"consent-receipt-{evidence.receipt_id}.json"
    assert attachment.get_content_type() == "application/json"
    document = json.loads(attachment.get_content())

    assert set(document) >= KANTARA_FIELDS
    assert document["version"] == "KI-CR-v1.1.0"
    assert document["jurisdiction"] == "GB"
    assert document["consentReceiptID"] == str(evidence.receipt_id)
    assert document["consentTimestamp"] == int(evidence.answered_at.timestamp())
    assert document["piiPrincipalId"] == cast.guardian.email
    assert document["sensitive"] is True
    [controller] = document["piiControllers"]
    assert set(controller) >= CONTROLLER_FIELDS
    assert controller["piiController"] == "Harbour View School"
    assert document["policyUrl"].endswith(f"/consent/statements/{cast.organisation.slug}/1/")
    [service] = document["services"]
    given = [purpose["purpose"] for purpose in service["purposes"]]
    assert len(given) == 4  # recording and images were declined
    assert not any(purpose.startswith("Being recorded") for purpose in given)
    for purpose in service["purposes"]:
        assert set(purpose) >= PURPOSE_FIELDS
        assert purpose["consentType"] == "EXPLICIT"
    assert evidence.receipt == document

    delivery = EmailDelivery.objects.get(purpose="consent_receipt")
    assert (delivery.status, delivery.object_id) == (DeliveryStatus.SENT, str(evidence.pk))


def test_the_receipt_page_and_its_json_are_the_guardians(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    _send_as_teacher(cast, django_capture_on_commit_callbacks)
    paths = links_in(smtp_server.to(cast.guardian.email)[0])
    guardian = Client()
    with django_capture_on_commit_callbacks(execute=True):
        receipt_page = guardian.post(paths["answer"], form_data(agree_to_all_but()), follow=True)
    evidence = ConsentEvidence.objects.get()
    body = receipt_page.content.decode()
    assert "Your answers are saved" in body
    assert str(evidence.receipt_id) in body

    download = guardian.get(f"{paths['manage']}receipts/{evidence.receipt_id}.json")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download.json()["consentReceiptID"] == str(evidence.receipt_id)
    # Another person's link (or none) opens no receipt.
    assert guardian.get(f"/consent/m/forged/receipts/{evidence.receipt_id}.json").status_code == 404

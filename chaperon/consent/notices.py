"""The consent emails, each queued with ``queue_email`` inside the change that causes it (so a
rolled-back change sends nothing) and linked to its object."""

from collections.abc import Sequence

from django.template.loader import render_to_string as _render_to_string
from django.utils import timezone

from chaperon.core.cases import evidence_held_about
from chaperon.core.email_queue import Attachment, queue_email
from chaperon.core.links import family_page_url
from chaperon.core.models import EmailDelivery
from chaperon.people.models import Learner, Organisation
from chaperon.people.selectors import safeguarding_leads

from . import links
from .models import Answer, Consent, ConsentAccess, ConsentEvidence, ConsentRequest, Purpose
from .receipt_pdf import receipt_pdf, receipt_pdf_filename
from .receipts import receipt_bytes, receipt_filename
from .slots import describe_slots


def render_email(template: str, context: dict[str, object], organisation: Organisation) -> str:
    """Render an email with its times in the organisation's time zone."""
    with timezone.override(organisation.zone):
        return _render_to_string(f"consent/email/{template}", context)


def _labels(purposes: Sequence[str]) -> list[str]:
    return [str(Purpose(purpose).label) for purpose in purposes]


def queue_request_email(consent_request: ConsentRequest, *, reminder: bool) -> EmailDelivery:
    learner = consent_request.learner
    context = {
        "request": consent_request,
        "organisation": consent_request.organisation.name,
        "learner_name": learner.full_name,
        "purposes": _labels(consent_request.purposes),
        "answer_url": links.request_url(consent_request),
        "manage_url": links.access_url(consent_request.access),
        "statement": consent_request.statement,
        "reminder": reminder,
        "family_url": family_page_url(consent_request.guardian_id),
    }
    prefix = "Reminder: " if reminder else ""
    return queue_email(
        to=consent_request.recipient_email,
        subject=f"{prefix}Consent for {learner.full_name}: please answer",
        text=render_email("request.txt", context, consent_request.organisation),
        purpose="consent_reminder" if reminder else "consent_request",
        obj=consent_request,
    )


def _answer_lines(consents: Sequence[Consent]) -> list[str]:
    lines = []
    for consent in consents:
        line = f"{Purpose(consent.purpose).label}: {Answer(consent.answer).label.lower()}"
        if consent.answer == Answer.GIVEN and consent.valid_until:
            line += f" (until {consent.valid_until:%-d %B %Y})"
        if consent.slots:
            line += f"; days and times: {describe_slots(consent.slots)}"
        lines.append(line)
    return lines


def queue_receipt_email(
    evidence: ConsentEvidence, consents: Sequence[Consent], access: ConsentAccess | None
) -> EmailDelivery | None:
    """The receipt, readable in the email and as a PDF, with the Kantara JSON, to whoever
    answered."""
    if not evidence.answered_by_email:
        return None
    context = {
        "evidence": evidence,
        "organisation": evidence.organisation.name,
        "learner_name": evidence.learner.full_name,
        "lines": _answer_lines(consents),
        "manage_url": links.access_url(access) if access and access.revoked_at is None else "",
        "family_url": family_page_url(evidence.guardian_id),
    }
    return queue_email(
        to=evidence.answered_by_email,
        subject=f"Your consent answers for {evidence.learner.full_name}: receipt",
        text=render_email("receipt.txt", context, evidence.organisation),
        purpose="consent_receipt",
        obj=evidence,
        attachments=[
            Attachment(
                receipt_pdf_filename(evidence), "application/pdf", receipt_pdf(evidence, consents)
            ),
            Attachment(
                receipt_filename(evidence), "application/json", receipt_bytes(evidence.receipt)
            ),
        ],
    )


def safeguarding_lead_emails(organisation_id: int) -> list[str]:
    """The DSLs' addresses, or the deputies' where the organisation has no DSL."""
    return sorted(user.email for user in safeguarding_leads(organisation_id))


def kept_as_evidence_message(learner: Learner) -> str:
    """What a guardian withdrawing consent to recording is told when recordings of the learner
    are held as evidence (REC-7, INC-4): that they are kept, and why; never which case."""
    kept = evidence_held_about(learner.pk)
    if not kept:
        return ""
    which = "1 recording" if kept == 1 else f"{kept} recordings"
    verb = "is" if kept == 1 else "are"
    return (
        f"{which} in which {learner.first_name} appears {verb} not destroyed yet: kept as "
        "evidence in a safeguarding matter, because evidence must be preserved while it is "
        "looked into. Only our safeguarding leads may see it, for that purpose; it will be "
        "destroyed as soon as it is no longer needed, and we will write to you then."
    )


def queue_withdrawal_notices(
    evidence: ConsentEvidence,
    withdrawn: Sequence[Consent],
    *,
    tell: str,
    access: ConsentAccess | None,
) -> list[EmailDelivery]:
    """Tell the safeguarding leads, and the person ``tell`` (an address, may be empty), that
    consent was withdrawn and what happens now."""
    purposes = [consent.purpose for consent in withdrawn]
    context = {
        "evidence": evidence,
        "organisation": evidence.organisation.name,
        "learner_name": evidence.learner.full_name,
        "purposes": _labels(purposes),
        "recording": Purpose.RECORDING in purposes,
        "kept_as_evidence": kept_as_evidence_message(evidence.learner)
        if Purpose.RECORDING in purposes
        else "",
        "manage_url": links.access_url(access) if access and access.revoked_at is None else "",
        "family_url": family_page_url(evidence.guardian_id),
    }
    subject = f"Consent withdrawn for {evidence.learner.full_name}"
    deliveries = [
        queue_email(
            to=address,
            subject=subject,
            text=render_email("withdrawn_lead.txt", context, evidence.organisation),
            purpose="consent_withdrawn_notice",
            obj=evidence,
        )
        for address in safeguarding_lead_emails(evidence.organisation_id)
    ]
    if tell:
        deliveries.append(
            queue_email(
                to=tell,
                subject=subject,
                text=render_email("withdrawn_guardian.txt", context, evidence.organisation),
                purpose="consent_withdrawn_notice",
                obj=evidence,
            )
        )
    return deliveries

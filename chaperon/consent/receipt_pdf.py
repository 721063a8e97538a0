"""The consent receipt as a PDF a person can read: the same facts as the Kantara JSON, with the
statement's full SHA-256 and the full receipt number, for whoever answered and for the
organisation's consent records."""

from collections.abc import Sequence
from datetime import datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from chaperon.core.pdf import latin1

from .models import Answer, Consent, ConsentEvidence, EvidenceKind, Purpose

WITHDRAWAL_NOTE = (
    "Withdrawal takes effect at once: sessions already arranged are checked again, and "
    "recordings are destroyed as the recording policy says, unless one is needed as evidence "
    "in a safeguarding case."
)


def receipt_pdf_filename(evidence: ConsentEvidence) -> str:
    return f"consent-receipt-{evidence.receipt_id}.pdf"


def _answer(consent: Consent) -> str:
    text = f"{Purpose(consent.purpose).label}: {Answer(consent.answer).label.lower()}"
    if consent.answer == Answer.GIVEN and consent.valid_until:
        text += f", until {consent.valid_until:%-d %B %Y}"
    if consent.slots:
        text += f"; days and times: {consent.slots_text}"
    return text


def _facts(evidence: ConsentEvidence, answered_at: datetime) -> list[tuple[str, str]]:
    receipt = evidence.receipt or {}
    controllers = receipt.get("piiControllers") or [{}]
    controller = controllers[0]
    contact = ", ".join(
        part
        for part in (
            controller.get("contact", ""),
            controller.get("email", ""),
            controller.get("phone", ""),
        )
        if part
    )
    facts = [
        ("Receipt number", str(evidence.receipt_id)),
        ("Signed by", evidence.answered_by_name),
        ("Email", evidence.answered_by_email or "none given"),
        ("When", f"{answered_at:%-d %B %Y, %H:%M} ({evidence.organisation.time_zone})"),
        ("How", receipt.get("collectionMethod", evidence.get_channel_display())),
    ]
    if evidence.statement is not None:
        facts.append(("Statement", f"version {evidence.statement.number}"))
        facts.append(("Statement SHA-256", evidence.statement_sha256))
    if receipt.get("policyUrl"):
        facts.append(("Statement online", receipt["policyUrl"]))
    if contact:
        facts.append(("Questions to", contact))
    return facts


def receipt_pdf(evidence: ConsentEvidence, consents: Sequence[Consent]) -> bytes:
    """The receipt of one submission (answers or a withdrawal), on one or two A4 pages."""
    organisation = evidence.organisation
    learner = evidence.learner
    withdrawal = evidence.kind == EvidenceKind.WITHDRAWAL
    pdf = FPDF(format="A4")
    pdf.set_title(latin1(f"Consent receipt {evidence.receipt_number}"))
    pdf.set_author(latin1(organisation.name))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def line(text: str, *, style: str = "", size: int = 10, height: float = 5.5) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(width, height, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    title = "Consent withdrawn: receipt" if withdrawal else "Consent receipt"
    line(f"{title} {evidence.receipt_number}", style="B", size=16, height=9)
    line(f"{organisation.name}, for {learner.full_name}", size=11, height=7)
    pdf.ln(3)
    line("Withdrawn" if withdrawal else "Your answers", style="B", size=12, height=7)
    for consent in consents:
        line(f"- {_answer(consent)}")
    pdf.ln(3)
    line("The record", style="B", size=12, height=7)
    answered_at = evidence.answered_at.astimezone(organisation.zone)
    for label, value in _facts(evidence, answered_at):
        line(f"{label}: {value}", size=9, height=5)
    pdf.ln(3)
    line(
        "You can change your mind, or withdraw consent, at any time: with the personal link in "
        "any consent email from us, or by telling us in any way you like. " + WITHDRAWAL_NOTE,
        size=9,
        height=5,
    )
    pdf.ln(2)
    line(
        "The machine-readable copy of this receipt (a JSON file with the same receipt number) "
        "follows the Kantara Initiative Consent Receipt Specification, version 1.1.",
        size=8,
        height=4.5,
    )
    return bytes(pdf.output())

"""Consent receipts in the fields of the Kantara Initiative Consent Receipt Specification v1.1:
a machine-readable record, given to the person who consented, of what they agreed to."""

import json
from collections.abc import Sequence
from typing import Any

from django.urls import reverse

from chaperon.core.links import absolute_url
from chaperon.people.models import Learner, Organisation

from .models import Answer, Channel, Consent, ConsentEvidence, ConsentSettings, Purpose
from .texts import PURPOSE_DESCRIPTIONS

SPECIFICATION_VERSION = "KI-CR-v1.1.0"
JURISDICTION = "GB"
LANGUAGE = "en"

COLLECTION_METHODS = {
    Channel.ONLINE: "Web form opened from a personal link sent by email, signed by typing a name",
    Channel.EMAIL_REPLY: "Reply by email to the consent statement, recorded by staff",
    Channel.PAPER: "Signed paper form, recorded by staff",
    Channel.TEXT_MESSAGE: "Text message in reply to the consent statement, recorded by staff",
    Channel.PHONE: "Phone call, recorded by staff",
    Channel.IN_PERSON: "In person, recorded by staff",
    Channel.STAFF_PORTAL: "Signed-in web form",
}

# Kantara's purpose categories, by the number and name the specification gives them.
_PURPOSE_CATEGORIES = {
    Purpose.LIVE_ONE_TO_ONE: "1 - Core Function",
    Purpose.LIVE_GROUP: "1 - Core Function",
    Purpose.RECORDING: "15 - Protecting Our Interests",
    Purpose.PARENT_INFORMATION: "1 - Core Function",
    Purpose.ACCEPTABLE_USE: "1 - Core Function",
    Purpose.IMAGES: "5 - Personalized Experience",
}
_PII_CATEGORIES = {
    Purpose.LIVE_ONE_TO_ONE: ["1 - Biographical", "4 - Communications/Social"],
    Purpose.LIVE_GROUP: ["1 - Biographical", "4 - Communications/Social"],
    Purpose.RECORDING: ["1 - Biographical", "3 - Biometric", "4 - Communications/Social"],
    Purpose.PARENT_INFORMATION: ["2 - Contact"],
    Purpose.ACCEPTABLE_USE: ["5 - Network/Service"],
    Purpose.IMAGES: ["1 - Biographical", "3 - Biometric"],
}
_PRIMARY = {Purpose.LIVE_ONE_TO_ONE, Purpose.LIVE_GROUP}


def _controller(organisation: Organisation, settings: ConsentSettings) -> dict[str, Any]:
    return {
        "piiController": organisation.name,
        "onBehalf": False,
        "contact": settings.controller_contact or "Designated Safeguarding Lead",
        "address": {
            "streetAddress": settings.controller_address.replace("\n", ", "),
            "addressCountry": JURISDICTION,
        },
        "email": settings.controller_email,
        "phone": settings.controller_phone,
    }


def _purpose(consent: Consent) -> dict[str, Any]:
    purpose = Purpose(consent.purpose)
    until = consent.valid_until.isoformat() if consent.valid_until else "withdrawal"
    return {
        "purpose": f"{purpose.label}: {PURPOSE_DESCRIPTIONS[purpose.value]}",
        "purposeCategory": [_PURPOSE_CATEGORIES[purpose]],
        "consentType": "EXPLICIT",
        "piiCategory": _PII_CATEGORIES[purpose],
        "primaryPurpose": purpose in _PRIMARY,
        "termination": f"At the end of {until}, or earlier when withdrawn with the personal "
        "link in any consent email or by telling the organisation",
        "thirdPartyDisclosure": False,
    }


def build_receipt(
    *,
    evidence: ConsentEvidence,
    consents: Sequence[Consent],
    organisation: Organisation,
    learner: Learner,
    settings: ConsentSettings,
) -> dict[str, Any]:
    """The receipt for one submission: the purposes consented to in it."""
    policy_path = ""
    if evidence.statement is not None:
        policy_path = reverse(
            "consent:statement_public", args=[organisation.slug, evidence.statement.number]
        )
    principal = evidence.answered_by_email or f"{evidence.answered_by_name} (by name)"
    return {
        "version": SPECIFICATION_VERSION,
        "jurisdiction": JURISDICTION,
        "consentTimestamp": int(evidence.answered_at.timestamp()),
        "collectionMethod": COLLECTION_METHODS[Channel(evidence.channel)],
        "consentReceiptID": str(evidence.receipt_id),
        "language": LANGUAGE,
        "piiPrincipalId": principal,
        "piiControllers": [_controller(organisation, settings)],
        "policyUrl": absolute_url(policy_path) if policy_path else "",
        "services": [
            {
                "service": f"Online sessions of {organisation.name} for {learner.full_name}",
                "purposes": [_purpose(c) for c in consents if c.answer == Answer.GIVEN],
            }
        ],
        "sensitive": True,
        "spiCat": ["Data about a child or an adult at risk", "Images and recordings of a person"],
    }


def receipt_bytes(receipt: dict[str, Any]) -> bytes:
    return json.dumps(receipt, indent=2, ensure_ascii=False).encode()


def receipt_filename(evidence: ConsentEvidence) -> str:
    return f"consent-receipt-{evidence.receipt_id}.json"

"""Render an organisation's consent statement from its parts, and hash the exact text.

No database access: the statement's text is fixed when a version is saved, and its SHA-256 (of the
UTF-8 bytes) is stored with every answer given to it.
"""

import hashlib
from dataclasses import dataclass

from .models import Purpose
from .texts import PURPOSE_DESCRIPTIONS


@dataclass(frozen=True)
class RecordingPolicyText:
    what_is_recorded: str
    why_recorded: str
    where_kept: str
    retention_days: int
    who_may_see: str
    how_destroyed: str


@dataclass(frozen=True)
class StatementParts:
    organisation_name: str
    intro: str
    parent_information: str
    recording: RecordingPolicyText
    consent_valid_months: int


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _clean(text: str) -> str:
    """One kind of line ending and no trailing spaces, so the hash does not depend on the
    browser that typed the text."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def recording_policy_text(policy: RecordingPolicyText, organisation_name: str) -> str:
    days = policy.retention_days
    return "\n".join(
        [
            f"What is recorded: {_clean(policy.what_is_recorded)}",
            f"Why: {_clean(policy.why_recorded)}",
            f"Where recordings are kept: {_clean(policy.where_kept)}",
            f"How long they are kept: {days} day{'s' if days != 1 else ''} after the session, "
            "then destroyed; a recording needed as evidence in a safeguarding case is kept "
            "until that case ends.",
            f"Who may see them, and how: {_clean(policy.who_may_see)}",
            f"How they are destroyed: {_clean(policy.how_destroyed)}",
            f"Who is responsible: {organisation_name} makes, stores and destroys recordings "
            "centrally, never on staff's own devices or accounts.",
            "If consent to recording is withdrawn, recordings in which the learner appears are "
            "destroyed securely as described above, unless one is needed as evidence in a "
            "safeguarding case.",
        ]
    )


def render_statement(parts: StatementParts) -> str:
    """The full statement text, as shown to everyone asked and hashed."""
    months = parts.consent_valid_months
    purposes = "\n".join(
        f"- {Purpose(key).label}: {description}"
        for key, description in PURPOSE_DESCRIPTIONS.items()
    )
    sections = [
        f"{parts.organisation_name}: consent for online sessions",
        _clean(parts.intro),
        f"What you may be asked to agree to\n{purposes}",
        "How long consent lasts\n"
        f"Consent you give lasts {months} month{'s' if months != 1 else ''} from the day you "
        "give it, unless you withdraw it sooner; we will ask again before it ends. Withdrawing "
        "takes effect at once: sessions already arranged are checked again, and recordings are "
        "destroyed as the recording policy says.",
        "Recording policy\n" + recording_policy_text(parts.recording, parts.organisation_name),
        "Information for parents and carers\n" + _clean(parts.parent_information),
    ]
    return "\n\n".join(sections) + "\n"

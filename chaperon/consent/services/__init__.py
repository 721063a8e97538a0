"""Every change to consent: permission checked, validated, audited, in one transaction, with
its emails and events sent after commit. ``actor`` is the signed-in user, or ``SYSTEM``
(``chaperon.core.actors``) for a command or task."""

from .agreements import (
    employer_recording_consent_record,
    own_recording_agreement_record,
    staff_recording_consent_answer,
)
from .answers import (
    consent_answer_by_link,
    consent_change_by_link,
    consent_record_by_staff,
    consent_withdraw,
    consent_withdraw_by_link,
)
from .erasure import consent_evidence_erase
from .recording import Recorded
from .requesting import (
    BulkOutcome,
    consent_reminders_send,
    consent_request_send,
    consent_requests_send_bulk,
)
from .statements import statement_current, statement_save

__all__ = [
    "BulkOutcome",
    "Recorded",
    "consent_answer_by_link",
    "consent_change_by_link",
    "consent_evidence_erase",
    "consent_record_by_staff",
    "consent_reminders_send",
    "consent_request_send",
    "consent_requests_send_bulk",
    "consent_withdraw",
    "consent_withdraw_by_link",
    "employer_recording_consent_record",
    "own_recording_agreement_record",
    "staff_recording_consent_answer",
    "statement_current",
    "statement_save",
]

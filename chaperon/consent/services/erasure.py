"""Erasing a learner's consent evidence when the retention schedule says its time is over
(LOG-2): six years after its last answer ended. The retention app decides when, asks the DSL,
checks holds and open cases and certifies what was erased; this says what the evidence was (its
digest) and removes it.

Only evidence every answer of which ended (was withdrawn or replaced) on or before the cut-off
goes: its ``ConsentEvidence`` rows, their ``Consent`` rows and their attachment files (once the
transaction commits). Evidence with an answer still current, or one that ended after the
cut-off, stays. ``Consent.evidence`` is the only reference to the evidence (PROTECT), so the
consents go first; nothing refers to a ``Consent``. What the evidence itself pointed at stays:
the consent requests and personal links it answered (their own records), the guardian and the
statement version. The receipt given to the person who answered is a field of the evidence and
goes with it; its link then finds nothing. The audit log's events about the evidence stay.
"""

import hashlib
import json
from datetime import date

from django.core.files.storage import default_storage
from django.db import transaction

from chaperon.core.service_log import logged
from chaperon.people.models import Learner

from ..models import Consent, ConsentEvidence
from ..selectors import consent_evidence_ended_by


@logged
def consent_evidence_erase(*, learner: Learner, cut_off: date) -> tuple[int, str]:
    """Delete the learner's consent evidence that ended on or before ``cut_off``, with its
    consents (and attachment files, once the transaction commits); returns how many records
    went (evidence and consents) and the SHA-256 of what they said. The caller holds the
    transaction and the learner's row lock, and has checked the schedule, holds and open
    cases."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("consent evidence is erased inside the caller's transaction")
    evidence = consent_evidence_ended_by(learner, cut_off).order_by("pk")
    evidence_ids = list(evidence.values_list("pk", flat=True))
    consents = Consent.objects.filter(evidence_id__in=evidence_ids).order_by("pk")
    evidence_facts = list(
        evidence.values_list(
            "pk",
            "receipt_id",
            "kind",
            "channel",
            "answered_by_name",
            "answered_at",
            "given_on",
            "statement_sha256",
            "attachment",
            "reason",
            "receipt",
        )
    )
    consent_facts = list(
        consents.values_list(
            "pk", "evidence_id", "purpose", "answer", "valid_until", "created_at", "superseded_at"
        )
    )
    facts = {"learner": learner.pk, "evidence": evidence_facts, "consents": consent_facts}
    digest = hashlib.sha256(
        json.dumps(facts, sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()
    files = {str(row[8]) for row in evidence_facts if row[8]}
    # A file that evidence which stays still names is kept.
    files -= set(
        ConsentEvidence.objects.exclude(pk__in=evidence_ids)
        .filter(attachment__in=files)
        .values_list("attachment", flat=True)
    )
    count = len(evidence_facts) + len(consent_facts)
    consents.delete()
    ConsentEvidence.objects.filter(pk__in=evidence_ids).delete()
    names = sorted(files)
    transaction.on_commit(lambda: _delete_files(names))
    return count, digest


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)

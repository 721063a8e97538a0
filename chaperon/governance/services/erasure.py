"""Erasing a member of staff's acceptable use agreements and training records when the
retention schedule says their time is over (LOG-2). The retention app decides when, asks the
DSL and certifies what was erased; this says what the records were and removes them."""

import hashlib
import json

from django.core.files.storage import default_storage
from django.db import transaction

from chaperon.core.service_log import logged
from chaperon.people.models import StaffMember

from ..models import AupSignature, FilterEntry, TrainingCompletion


@logged
def staff_agreements_and_training_erase(*, staff: StaffMember) -> tuple[int, str]:
    """Delete every acceptable use signature and training completion of ``staff`` (with the
    certificate files, once the transaction commits); returns how many records went and the
    SHA-256 of what they said. The caller holds the transaction, has checked that the
    schedule, holds and open cases allow it, and certifies it in the audit log."""
    completions = TrainingCompletion.objects.filter(staff=staff).order_by("pk")
    signatures = AupSignature.objects.filter(user_id=staff.user_id).order_by("pk")
    completion_facts = list(
        completions.values_list("pk", "course_id", "completed_on", "certificate")
    )
    signature_facts = list(signatures.values_list("pk", "version_id", "created_at"))
    facts = {"completions": completion_facts, "signatures": signature_facts}
    digest = hashlib.sha256(
        json.dumps(facts, sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()
    files = [name for name in completions.values_list("certificate_file", flat=True) if name]
    count = len(completion_facts) + len(signature_facts)
    completions.delete()
    signatures.delete()
    transaction.on_commit(lambda: _delete_files(files))
    return count, digest


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


@logged
def filter_entries_forget_concerns(concern_ids: list[int]) -> int:
    """The filtering log's entries that raised these concerns no longer point at them (the
    concerns are being destroyed with a child protection file); the reference they were
    given stays on the entry. Inside the caller's transaction; returns how many changed."""
    if not concern_ids:
        return 0
    return FilterEntry.objects.filter(concern_id__in=concern_ids).update(concern=None)

"""Moving every data key under a new key-encryption key, without touching the media.

Each batch of keys is unwrapped with the key it is under (the current one, or one of
``VAULT_PREVIOUS_KEY_FILES``), wrapped under the new one and saved in its own transaction with
an audit event, so an interrupted run simply continues where it stopped when run again.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.service_log import logged

from ..keys import KeyWrapper, wrapper_for
from ..models import DataKey

BATCH = 200


@dataclass(frozen=True)
class RewrapResult:
    rewrapped: int
    already: int


@logged
def rewrap_all(
    new: KeyWrapper, *, progress: Callable[[int], None] = lambda done: None
) -> RewrapResult:
    already = DataKey.objects.filter(key_id=new.key_id).count()
    done = 0
    while True:
        with transaction.atomic():
            batch = list(
                DataKey.objects.select_for_update()
                .select_related("recording")
                .exclude(key_id=new.key_id)
                .order_by("pk")[:BATCH]
            )
            if not batch:
                break
            moved: dict[str, int] = {}
            for key in batch:
                context = key.recording.uuid.bytes
                data_key = wrapper_for(key.key_id).unwrap(bytes(key.wrapped), context=context)
                moved[key.key_id] = moved.get(key.key_id, 0) + 1
                key.wrapped = new.wrap(data_key, context=context)
                key.key_id = new.key_id
                key.rewrapped_at = timezone.now()
                key.save(update_fields=["wrapped", "key_id", "rewrapped_at"])
            record(
                action=AuditAction.VAULT_KEYS_REWRAPPED,
                actor_label="chaperon vault rewrap",
                reason="Recording keys moved under a new key-encryption key",
                data={"to": new.key_id, "from": moved, "count": len(batch)},
            )
        done += len(batch)
        progress(done)
    return RewrapResult(rewrapped=done, already=already)

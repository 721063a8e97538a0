"""Walk the whole chain and say whether it is intact."""

from dataclasses import dataclass

from .models import GENESIS_HASH, AuditChainHead, AuditEvent, chain_hash

_COLUMNS = [
    "seq",
    "occurred_at",
    "organisation_id",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "reason",
    "data",
    "prev_hash",
]


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int
    problem: str = ""


def verify_chain(batch_size: int = 20_000) -> Verification:
    """Recompute every hash in order. The first event that does not follow is named."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    rows = AuditEvent.objects.order_by("seq").values_list(*_COLUMNS, "hash")
    for row in rows.iterator(chunk_size=batch_size):
        fields = dict(zip(_COLUMNS, row[:-1], strict=True))
        stored_hash = row[-1]
        seq = fields["seq"]
        if seq != expected_seq:
            return Verification(
                False,
                count,
                f"event #{seq}: expected event #{expected_seq} here (missing or moved)",
            )
        if fields["prev_hash"] != expected_prev:
            return Verification(
                False, count, f"event #{seq}: does not follow event #{seq - 1} (chain broken)"
            )
        if chain_hash(**fields) != stored_hash:
            return Verification(False, count, f"event #{seq}: contents do not match its hash")
        expected_prev = stored_hash
        expected_seq += 1
        count += 1
    head = AuditChainHead.objects.filter(id=1).values_list("seq", "hash").first()
    head_seq, head_hash = head if head else (0, GENESIS_HASH)
    if head_seq > count:
        return Verification(
            False, count, f"event #{count + 1}: missing; the chain head records {head_seq} events"
        )
    if (head_seq, head_hash) != (count, expected_prev):
        return Verification(False, count, f"event #{count}: does not match the chain head")
    return Verification(True, count)

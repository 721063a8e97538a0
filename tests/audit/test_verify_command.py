import io
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection

from chaperon.audit.management.commands import audit as audit_command
from chaperon.audit.models import AuditChainHead, AuditEvent, chain_hash
from chaperon.audit.verify import verify_chain
from tests.audit.conftest import record_events, tamper

pytestmark = pytest.mark.clause("LOG-2")


def run_verify(*args: str, stderr: io.StringIO | None = None) -> tuple[int, str]:
    """(exit status, standard output) of ``audit verify``."""
    stdout = io.StringIO()
    try:
        call_command("audit", "verify", *args, stdout=stdout, stderr=stderr or io.StringIO())
    except SystemExit as exit_:
        return int(exit_.code or 0), stdout.getvalue()
    return 0, stdout.getvalue()


def test_an_intact_chain_is_ok(db: None) -> None:
    record_events(9)

    assert run_verify() == (0, "ok: 9 events in 1 chain\n")


def test_an_empty_log_is_ok(db: None) -> None:
    assert run_verify() == (0, "ok: 0 events in 0 chains\n")


TAMPERING = {
    "edit a field of a middle event": (
        ["UPDATE audit_event SET actor_label = 'someone.else@example.org' WHERE seq = 5"],
        "broken: organisation 7: event #5: contents do not match its hash",
    ),
    "edit the last event": (
        ["UPDATE audit_event SET data = '{\"number\":0}' WHERE seq = 9"],
        "broken: organisation 7: event #9: contents do not match its hash",
    ),
    "delete a middle event": (
        ["DELETE FROM audit_event WHERE seq = 5"],
        "broken: organisation 7: event #5: missing (the next event is #6)",
    ),
    "delete the last event": (
        ["DELETE FROM audit_event WHERE seq = 9"],
        "broken: organisation 7: event #9: missing; the chain head records 9 events",
    ),
    "swap two events": (
        [
            "UPDATE audit_event SET seq = -5 WHERE seq = 5",
            "UPDATE audit_event SET seq = 5 WHERE seq = 6",
            "UPDATE audit_event SET seq = 6 WHERE seq = -5",
        ],
        "broken: organisation 7: event #5: does not follow event #4 (chain broken)",
    ),
}


@pytest.mark.parametrize(("statements", "expected"), TAMPERING.values(), ids=TAMPERING.keys())
def test_tampering_through_raw_sql_is_named(db: None, statements: list[str], expected: str) -> None:
    record_events(9)
    assert run_verify()[0] == 0

    tamper(*statements)

    assert run_verify() == (1, f"{expected}\n")


def test_an_event_rewritten_with_a_fresh_hash_breaks_the_next_link(db: None) -> None:
    record_events(9)
    event = AuditEvent.objects.get(seq=5)
    event.reason = "nothing to report"
    forged = chain_hash(**event.chain_fields())

    tamper(
        (
            "UPDATE audit_event SET reason = %s, hash = %s WHERE seq = 5",
            [event.reason, forged],
        )
    )

    assert run_verify() == (
        1,
        "broken: organisation 7: event #6: does not follow event #5 (chain broken)\n",
    )


def test_a_whole_rewritten_tail_still_disagrees_with_the_head(db: None) -> None:
    record_events(9)
    event = AuditEvent.objects.get(seq=9)
    event.reason = "nothing to report"
    forged = chain_hash(**event.chain_fields())

    tamper(
        (
            "UPDATE audit_event SET reason = %s, hash = %s WHERE seq = 9",
            [event.reason, forged],
        )
    )

    assert run_verify() == (1, "broken: organisation 7: event #9: does not match the chain head\n")


def test_an_event_slipped_in_after_the_head_is_named(db: None) -> None:
    record_events(3)
    head = AuditChainHead.objects.get()
    AuditChainHead.objects.filter(chain=7).update(seq=2, hash=AuditEvent.objects.get(seq=2).hash)

    assert run_verify() == (
        1,
        "broken: organisation 7: event #3: not recorded by the chain head, which ends at "
        "event #2\n",
    )
    assert head.seq == 3


def test_events_appended_during_the_walk_are_not_damage(db: None) -> None:
    record_events(7)
    appended: list[int] = []

    def append_while_walking(count: int) -> None:
        appended.extend(event.seq for event in record_events(1))

    result = verify_chain(batch_size=3, progress=append_while_walking)

    assert result.ok
    assert appended == [8, 9, 10]  # seq in the chain
    assert 7 <= result.events <= 10


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_goes_to_a_terminal_only(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    record_events(5)
    monkeypatch.setattr(audit_command, "PROGRESS_EVERY", 2)
    piped, terminal = io.StringIO(), _Terminal()

    assert run_verify(stderr=piped) == (0, "ok: 5 events in 1 chain\n")
    assert run_verify(stderr=terminal) == (0, "ok: 5 events in 1 chain\n")

    assert piped.getvalue() == ""
    assert "checked 5 events" in terminal.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_console_script_verifies_the_database(
    process_env: dict[str, str], console_script: str
) -> None:
    record_events(6)

    def verify() -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 (our own command)
            [console_script, "audit", "verify"],
            env=process_env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    intact = verify()
    tamper("UPDATE audit_event SET reason = 'nothing to report' WHERE seq = 3")
    broken = verify()

    assert (intact.returncode, intact.stdout) == (0, "ok: 6 events in 1 chain\n"), intact.stderr
    assert (broken.returncode, broken.stdout) == (
        1,
        "broken: organisation 7: event #3: contents do not match its hash\n",
    ), broken.stderr


def test_a_number_replaced_by_look_alike_text_is_caught(db: None) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("only SQLite lets an integer column hold text")
    record_events(4)

    tamper("UPDATE audit_event SET actor_id = 'null' WHERE seq = 3")

    assert run_verify() == (1, "broken: organisation 7: event #3: contents do not match its hash\n")

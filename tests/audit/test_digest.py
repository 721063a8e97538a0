"""The chain head anchored outside the database: a signed digest emailed daily to each
organisation's safeguarding leads, and ``chaperon audit verify --digest`` that finds a log
rewritten by someone with every right over the database."""

import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import override_settings

from chaperon.audit.actions import AuditAction
from chaperon.audit.digest import (
    digest_key,
    parse_digests,
    read_digest_key,
    send_daily_digest,
    take_digest,
)
from chaperon.audit.models import SYSTEM_CHAIN, AuditChainHead, AuditDigest, AuditEvent
from chaperon.audit.tasks import send_audit_digest_task
from chaperon.core.keyfiles import write_key_file
from chaperon.core.models import EmailDelivery
from chaperon.core.scheduling import registered
from tests.audit.conftest import CHAIN, record_events, rewrite_from, tamper
from tests.conftest import Cast

pytestmark = pytest.mark.clause("LOG-2")

MORNING = datetime(2026, 3, 2, 6, 0, 4, tzinfo=UTC)


def run_verify(*args: str) -> tuple[int, str]:
    stdout = io.StringIO()
    try:
        call_command("audit", "verify", *args, stdout=stdout, stderr=io.StringIO())
    except SystemExit as exit_:
        return int(exit_.code or 0), stdout.getvalue()
    return 0, stdout.getvalue()


def saved(tmp_path: Path, text: str, name: str = "digest-email.txt") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_rewritten_log_passes_verify_but_fails_against_an_earlier_digest(
    db: None, tmp_path: Path
) -> None:
    record_events(8)
    digest = saved(tmp_path, take_digest(digest_key(), chain=CHAIN, now=MORNING).text())
    record_events(2)  # the log goes on after the digest

    rewrite_from(4)  # events 4 to 10 rewritten, every hash and the head made consistent

    assert run_verify() == (0, "ok: 10 events in 1 chain\n")  # the chain alone cannot tell
    assert run_verify("--digest", digest) == (
        1,
        "broken: organisation 7: event #8: does not match the digest of 2026-03-02T06:00:04Z: "
        "the chain was rewritten up to this event or before it\n",
    )


def test_events_after_the_digest_are_not_damage(db: None, tmp_path: Path) -> None:
    record_events(5)
    digest = saved(tmp_path, take_digest(digest_key(), chain=CHAIN, now=MORNING).text())
    record_events(3)

    assert run_verify("--digest", digest) == (
        0,
        "ok: 8 events in 1 chain; organisation 7: event #5 still matches the digest of "
        "2026-03-02T06:00:04Z\n",
    )


def test_a_digest_newer_than_the_log_names_the_missing_event(db: None, tmp_path: Path) -> None:
    record_events(5)
    text = take_digest(digest_key(), chain=CHAIN, now=MORNING).text()
    # The log emptied and rebuilt shorter, as a database owner could: both tables emptied
    # with the triggers off, then three new events.
    tamper("DELETE FROM audit_event", "DELETE FROM audit_chain_head")
    record_events(3)

    assert run_verify() == (0, "ok: 3 events in 1 chain\n")
    assert run_verify("--digest", saved(tmp_path, text)) == (
        1,
        "broken: organisation 7: event #5: missing; the digest of 2026-03-02T06:00:04Z records "
        "it, and the chain now ends at event #3\n",
    )


def test_the_digest_can_be_given_as_its_text(db: None) -> None:
    record_events(2)
    text = take_digest(digest_key(), chain=CHAIN, now=MORNING).text()

    assert run_verify("--digest", text)[0] == 0


def test_an_altered_digest_is_refused_with_exit_status_2(db: None, tmp_path: Path) -> None:
    record_events(4)
    text = take_digest(digest_key(), chain=CHAIN, now=MORNING).text()
    head = AuditEvent.objects.get(seq=4).hash
    # Someone who rewrote the log "updates" the digest to match: the signature no longer holds.
    altered = text.replace("events: 4", "events: 3").replace(
        head, AuditEvent.objects.get(seq=3).hash
    )

    assert run_verify("--digest", saved(tmp_path, altered)) == (
        2,
        "invalid digest: the digest's signature does not hold: it was changed after it was "
        "signed\n",
    )


def test_a_digest_signed_with_another_key_is_refused(db: None, tmp_path: Path) -> None:
    record_events(1)
    other_path = tmp_path / "other.key"
    write_key_file(other_path)
    other = read_digest_key(other_path)
    text = take_digest(other, chain=CHAIN, now=MORNING).text()

    status, out = run_verify("--digest", saved(tmp_path, text))

    assert status == 2
    assert out == (
        f"invalid digest: the digest was signed with key {other.key_id}, but this "
        f"installation's AUDIT_DIGEST_KEY_FILE holds {digest_key().key_id}\n"
    )


def test_a_file_without_a_digest_is_refused(db: None, tmp_path: Path) -> None:
    status, out = run_verify("--digest", saved(tmp_path, "Dear Dana,\nthanks.\n"))
    assert (status, out) == (
        2,
        "invalid digest: no digest found: it starts with the line "
        "-----BEGIN CHAPERON AUDIT DIGEST-----\n",
    )


def test_the_digest_command_prints_a_signed_digest_of_the_head(db: None) -> None:
    record_events(3)
    stdout = io.StringIO()
    call_command("audit", "digest", stdout=stdout)

    system, organisation = parse_digests(stdout.getvalue())  # every chain's head
    assert (system.chain, system.events, system.head) == ("system", 0, "0" * 64)
    assert (organisation.chain, organisation.events, organisation.head) == (
        "organisation 7",
        3,
        AuditEvent.objects.get(seq=3).hash,
    )
    assert organisation.key == digest_key().key_id

    stdout = io.StringIO()
    call_command("audit", "digest", "--organisation", "7", stdout=stdout)
    # The same head, signed again at the moment of this second digest.
    (again,) = parse_digests(stdout.getvalue())
    assert (
        replace(again, taken=organisation.taken, signature=organisation.signature) == organisation
    )


def _digest_emails() -> list[EmailDelivery]:
    return list(EmailDelivery.objects.filter(purpose="audit_digest").order_by("to"))


def test_the_digest_is_emailed_to_each_organisations_leads_once_a_day(
    cast: Cast, tmp_path: Path
) -> None:
    record_events(3)
    head = AuditChainHead.objects.get(chain=cast.organisation.pk).seq
    chains = {*AuditChainHead.objects.values_list("chain", flat=True), SYSTEM_CHAIN}

    assert send_daily_digest(now=MORNING) == 2  # the DSLs of both organisations
    assert send_daily_digest(now=MORNING + timedelta(hours=5)) == 0  # the same day: nothing

    deliveries = _digest_emails()
    assert [(d.to, d.organisation_id) for d in deliveries] == sorted(
        [
            (cast.dsl.email, cast.organisation.pk),
            (cast.outsider.email, cast.other_organisation.pk),
        ]
    )
    # one a day for each chain
    assert set(AuditDigest.objects.values_list("chain", flat=True)) == chains
    assert AuditDigest.objects.count() == len(chains)
    sent = AuditEvent.objects.filter(action=AuditAction.AUDIT_DIGEST_SENT).get()
    assert sent.details == {"chains": len(chains), "emails": 2, "key": digest_key().key_id}

    # What the DSL keeps is enough to check the log: the whole email, saved as a file.
    email = next(d for d in deliveries if d.to == cast.dsl.email)
    assert email.subject == f"Audit log digest for 2 March 2026: event {head}"
    assert "Please keep this email" in email.text
    own, system = parse_digests(email.text)  # its own chain's, and the system chain's
    assert (own.chain, own.events) == (f"organisation {cast.organisation.pk}", head)
    assert system.chain == "system"
    status, out = run_verify("--digest", saved(tmp_path, email.text))
    assert status == 0, out
    assert f"organisation {cast.organisation.pk}: event #{head} still matches" in out

    assert send_daily_digest(now=MORNING + timedelta(days=1)) == 2  # the next day
    assert AuditDigest.objects.count() == 2 * len(chains)


def test_the_periodic_task_sends_it_and_the_email_is_delivered(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    assert "chaperon.audit.tasks.send_audit_digest_task" in [p.name for p in registered()]

    with django_capture_on_commit_callbacks(execute=True):
        result = send_audit_digest_task.enqueue()

    assert result.return_value == 2
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [cast.dsl.email, cast.outsider.email]
    )
    assert all("BEGIN CHAPERON AUDIT DIGEST" in message.body for message in mail.outbox)


def test_a_missing_key_file_stops_the_start_with_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "audit-digest.key"
    with (
        override_settings(AUDIT_DIGEST_KEY_FILE=missing, AUDIT_DIGEST_CREATE_KEY=False),
        pytest.raises(
            ImproperlyConfigured,
            match=r"AUDIT_DIGEST_KEY_FILE: .* does not exist.*chaperon audit new-key",
        ),
    ):
        digest_key()
    assert not missing.exists()


def test_new_key_makes_a_private_key_file_and_never_overwrites(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "audit-digest.key"
    call_command("audit", "new-key", str(path))
    assert "back it up apart from the database" in capsys.readouterr().out
    assert path.stat().st_mode & 0o777 == 0o600
    before = path.read_bytes()
    with pytest.raises(Exception, match="never overwritten"):
        call_command("audit", "new-key", str(path))
    assert path.read_bytes() == before

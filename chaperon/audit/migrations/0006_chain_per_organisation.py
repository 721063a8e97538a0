"""Give each organisation its own audit chain, and keep the log written before as it was.

Until now every event of every organisation was appended to one chain, each append locking its
single head row. From here on each organisation has its own chain (its own head row, its own
``seq``), and events of no organisation a chain of their own, in the new tables
``audit_event`` and ``audit_chain_head``.

Nothing already written is moved or rehashed: a hash covers its event's number and the hash
before it, so splitting the old chain by organisation would mean rewriting every event, which
the triggers refuse and which a log that proves it was never rewritten must never need. The
old tables (``audit_auditevent``, ``audit_auditchainhead``) stay exactly as they were, bytes,
triggers and all, as the closed legacy segment: a trigger now refuses any insert into them,
``verify`` still checks them with their own encoding (version 1) against their head, and a
digest taken before this migration still checks against them. See docs/audit.md.

The new table gets the same protection as the old, per chain: no UPDATE, no DELETE (on SQLite,
but oldest first, for the test runner's flush), no TRUNCATE on PostgreSQL unless the session
allows it, and an insert only where ``record`` appends it: next in its chain, after its
chain's last hash. Any later migration that makes SQLite rebuild ``audit_event`` drops its
triggers: recreate them.
"""

from typing import Any

from django.db import migrations, models

POSTGRESQL_FORWARD = [
    """
    CREATE FUNCTION audit_chain_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'the audit log is append-only: % of event #% of chain % refused',
            TG_OP, OLD.seq, OLD.chain
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'audit events can only be added, never changed or removed';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_chain_refuse_change()
    """,
    """
    CREATE FUNCTION audit_chain_refuse_out_of_chain() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        last_seq bigint;
        last_hash varchar(64);
    BEGIN
        SELECT seq, hash INTO last_seq, last_hash
            FROM audit_event WHERE chain = NEW.chain ORDER BY seq DESC LIMIT 1;
        IF NOT FOUND THEN
            last_seq := 0;
            last_hash := repeat('0', 64);  -- the genesis hash
        END IF;
        IF NEW.seq IS DISTINCT FROM last_seq + 1 OR NEW.prev_hash IS DISTINCT FROM last_hash THEN
            RAISE EXCEPTION 'the audit log is append-only: INSERT of event #% of chain % refused (the next event is #%, following event #%)',
                NEW.seq, NEW.chain, last_seq + 1, last_seq
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'audit events can only be appended after the last one of their chain';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER audit_event_append_at_end BEFORE INSERT ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_chain_refuse_out_of_chain()
    """,
    """
    CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_truncate()
    """,
    """
    CREATE FUNCTION audit_legacy_refuse_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'the audit log is append-only: the legacy segment is closed, INSERT of event #% refused', NEW.seq
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'events are appended to their organisation''s chain (audit_event)';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_legacy_closed BEFORE INSERT ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_legacy_refuse_insert()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_legacy_closed ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_legacy_refuse_insert()",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_append_at_end ON audit_event",
    "DROP FUNCTION IF EXISTS audit_chain_refuse_out_of_chain()",
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
    "DROP FUNCTION IF EXISTS audit_chain_refuse_change()",
]

SQLITE_FORWARD = [
    """
    CREATE TRIGGER audit_chain_no_update BEFORE UPDATE ON audit_event
    BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE of an event refused');
    END
    """,
    """
    CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_event
    WHEN EXISTS (SELECT 1 FROM audit_event WHERE rowid < OLD.rowid)
    BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only: DELETE of an event refused');
    END
    """,
    """
    CREATE TRIGGER audit_chain_append_at_end BEFORE INSERT ON audit_event
    WHEN NEW.seq IS NOT COALESCE(
            (SELECT MAX(seq) FROM audit_event WHERE chain = NEW.chain), 0
        ) + 1
        OR NEW.prev_hash IS NOT COALESCE(
            (SELECT hash FROM audit_event WHERE chain = NEW.chain ORDER BY seq DESC LIMIT 1),
            hex(zeroblob(32))
        )
        OR EXISTS (SELECT 1 FROM audit_event WHERE hash = NEW.hash)
        OR EXISTS (SELECT 1 FROM audit_event WHERE rowid = NEW.rowid)
    BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only: INSERT of an event that does not follow the last one of its chain (or would replace one) refused');
    END
    """,
    """
    CREATE TRIGGER audit_legacy_closed BEFORE INSERT ON audit_auditevent
    BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only: the legacy segment is closed');
    END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_legacy_closed",
    "DROP TRIGGER IF EXISTS audit_chain_append_at_end",
    "DROP TRIGGER IF EXISTS audit_chain_no_delete",
    "DROP TRIGGER IF EXISTS audit_chain_no_update",
]

STATEMENTS = {
    "postgresql": (POSTGRESQL_FORWARD, POSTGRESQL_REVERSE),
    "sqlite": (SQLITE_FORWARD, SQLITE_REVERSE),
}


def _run(schema_editor: Any, direction: int) -> None:
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:
        return
    for sql in statements[direction]:
        schema_editor.execute(sql, params=None)


def forward(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, 0)


def reverse(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, 1)


GENESIS = "0" * 64


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_audit_digest")]

    operations = [
        # The old tables stay where they are, under the legacy models' names.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameModel("AuditEvent", "LegacyAuditEvent"),
                migrations.AlterModelTable("LegacyAuditEvent", "audit_auditevent"),
                migrations.RenameModel("AuditChainHead", "LegacyChainHead"),
                migrations.AlterModelTable("LegacyChainHead", "audit_auditchainhead"),
            ]
        ),
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("chain", models.BigIntegerField(primary_key=True, serialize=False)),
                ("seq", models.BigIntegerField(default=0)),
                ("hash", models.CharField(default=GENESIS, max_length=64)),
                ("prev_hash", models.CharField(default=GENESIS, max_length=64)),
            ],
            options={"db_table": "audit_chain_head"},
        ),
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                ("occurred_at", models.DateTimeField()),
                ("organisation_id", models.BigIntegerField(db_index=True, null=True)),
                ("actor_id", models.BigIntegerField(null=True)),
                ("actor_label", models.CharField(max_length=254)),
                ("action", models.CharField(max_length=64)),
                ("object_type", models.CharField(max_length=100)),
                ("object_id", models.CharField(max_length=64)),
                ("reason", models.TextField()),
                ("data", models.TextField()),
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("chain", models.BigIntegerField()),
                ("seq", models.BigIntegerField()),
                ("prev_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64, unique=True)),
            ],
            options={
                "db_table": "audit_event",
                "ordering": ["id"],
                "indexes": [
                    models.Index(fields=["object_type", "object_id"], name="audit_event_object_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("chain", "seq"), name="audit_event_chain_seq"),
                    models.UniqueConstraint(
                        fields=("chain", "prev_hash"), name="audit_event_chain_prev"
                    ),
                ],
            },
        ),
        migrations.AlterField(model_name="auditdigest", name="day", field=models.DateField()),
        migrations.AddField(
            model_name="auditdigest", name="chain", field=models.BigIntegerField(null=True)
        ),
        migrations.AlterModelOptions(name="auditdigest", options={"ordering": ["-day", "chain"]}),
        migrations.AddConstraint(
            model_name="auditdigest",
            constraint=models.UniqueConstraint(
                fields=("day", "chain"), name="audit_digest_one_a_day"
            ),
        ),
        migrations.RunPython(forward, reverse, elidable=False),
    ]

"""Upgrades: the migrations since the last release run forward over a populated database, and
`chaperon upgrade` applies all of them or none."""

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

import chaperon.backups
from chaperon.people.models import Learner, Organisation, StaffMember

pytestmark = pytest.mark.django_db(transaction=True)

BASELINE = Path(chaperon.backups.__file__).parent / "upgrade_baseline.json"


def baseline() -> list[tuple[str, str | None]]:
    migrations: dict[str, str | None] = json.loads(BASELINE.read_text())["migrations"]
    return sorted(migrations.items())


def to_baseline() -> Any:
    """The database migrated back to the baseline; the models as they were then."""
    executor = MigrationExecutor(connection)
    targets = baseline()
    executor.migrate(targets)
    nodes = [(app, name) for app, name in targets if name is not None]
    return MigrationExecutor(connection).loader.project_state(nodes, at_end=True).apps


def populate(old: Any) -> None:
    now = timezone.now()
    organisation = old.get_model("people", "Organisation").objects.create(
        name="Alder Brook Primary", slug="alder-brook", created_at=now, updated_at=now
    )
    user = old.get_model("people", "User").objects.create(
        email="rowan.teal@alderbrook.example",
        full_name="Rowan Teal",
        organisation=organisation,
        password="!",
        date_joined=now,
    )
    old.get_model("people", "StaffMember").objects.create(
        organisation=organisation, user=user, created_at=now, updated_at=now
    )
    old.get_model("people", "Learner").objects.create(
        organisation=organisation,
        first_name="Ellis",
        last_name="Marsh",
        date_of_birth=date(2014, 2, 28),
        created_at=now,
        updated_at=now,
    )


def applied() -> set[tuple[str, str]]:
    return set(MigrationRecorder(connection).applied_migrations())


def tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def test_the_baseline_names_every_app_and_a_migration_that_exists() -> None:
    loader = MigrationExecutor(connection).loader
    assert {app for app, _ in baseline()} == {app for app, _ in loader.graph.leaf_nodes()}
    for app, name in baseline():
        assert name is None or (app, name) in loader.graph.nodes


def test_the_migrations_since_the_release_run_forward_over_its_data() -> None:
    populate(to_baseline())
    assert "governance_trainingcourse" not in tables()

    call_command("upgrade")

    assert applied() >= set(MigrationExecutor(connection).loader.graph.leaf_nodes())
    organisation = Organisation.objects.get(slug="alder-brook")
    assert organisation.name == "Alder Brook Primary"
    staff = StaffMember.objects.get(user__email="rowan.teal@alderbrook.example")
    assert staff.left_on is None  # added since: the rows that were there keep working
    learner = Learner.objects.get(organisation=organisation)
    assert (learner.first_name, learner.date_of_birth, learner.left_on) == (
        "Ellis",
        date(2014, 2, 28),
        None,
    )
    assert "governance_trainingcourse" in tables()


def test_a_failed_upgrade_leaves_the_database_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    populate(to_baseline())
    before_applied, before_tables = applied(), tables()
    apply = MigrationExecutor.apply_migration

    def failing(self: MigrationExecutor, state: Any, migration: Any, **kwargs: Any) -> Any:
        if (migration.app_label, migration.name) == ("governance", "0003_acceptable_use"):
            raise RuntimeError("an injected failure")
        return apply(self, state, migration, **kwargs)

    monkeypatch.setattr(MigrationExecutor, "apply_migration", failing)
    with pytest.raises(CommandError, match=r"injected failure.*(the database is|it is) as it was"):
        call_command("upgrade")
    connection.close()
    assert applied() == before_applied
    assert tables() == before_tables
    with connection.cursor() as cursor:
        cursor.execute("SELECT first_name FROM people_learner")
        assert cursor.fetchall() == [("Ellis",)]

    monkeypatch.setattr(MigrationExecutor, "apply_migration", apply)
    call_command("upgrade")  # and run again, it completes
    assert "governance_trainingcourse" in tables()

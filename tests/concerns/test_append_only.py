"""Concerns cannot be edited or deleted, only added to: by the application and by the database
itself. Every change of category, date or learner is an entry with its reason (INC-9)."""

from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction

from chaperon.audit.models import AuditEvent
from chaperon.concerns import services
from chaperon.concerns.models import AppendOnlyError, Concern, ConcernEntry, ConcernStep
from chaperon.core.exceptions import ValidationFailed
from tests.conftest import Cast

from .helpers import immediate_risk, public_concern

pytestmark = [pytest.mark.django_db, pytest.mark.clause("INC-9")]


def _raw(sql: str, params: list[str | int]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_application_refuses_to_edit_or_delete(cast: Cast) -> None:
    concern = public_concern(cast.organisation)
    entry = concern.entries.get(kind="raised")
    concern.description = "something else"
    with pytest.raises(AppendOnlyError):
        concern.save()
    with pytest.raises(AppendOnlyError):
        concern.delete()
    with pytest.raises(AppendOnlyError):
        Concern.objects.all().delete()
    entry.text = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        ConcernEntry.objects.filter(pk=entry.pk).delete()
    assert Concern.objects.get().description.startswith("Someone in an online game")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE concerns_concern SET description = %s WHERE id = %s",
        "UPDATE concerns_concern SET reporter_name = %s WHERE id = %s",
        "UPDATE concerns_concernentry SET text = %s WHERE concern_id = %s",
    ],
)
def test_the_database_refuses_to_change_what_was_reported(cast: Cast, sql: str) -> None:
    concern = public_concern(cast.organisation)
    with pytest.raises(DatabaseError):
        _raw(sql, ["rewritten", concern.pk])
    assert Concern.objects.get().reporter_name == "Pat Meadow"
    assert not ConcernEntry.objects.filter(text="rewritten").exists()


@pytest.mark.parametrize("table", ["concerns_concernentry", "concerns_concern"])
def test_the_database_refuses_to_delete(cast: Cast, table: str) -> None:
    public_concern(cast.organisation)
    concern = public_concern(cast.organisation)  # the newer one: not the first row
    column = "id" if table == "concerns_concern" else "concern_id"
    entries = ConcernEntry.objects.count()
    with pytest.raises(DatabaseError):
        _raw(f"DELETE FROM {table} WHERE {column} = %s", [concern.pk])  # noqa: S608
    assert Concern.objects.count() == 2 and ConcernEntry.objects.count() == entries


def test_a_done_step_is_never_changed_again(cast: Cast) -> None:
    concern = public_concern(cast.organisation)
    services.concern_triage(
        actor=cast.dsl, concern=concern, answers=immediate_risk(), risk_note="Threats made."
    )
    step = ConcernStep.objects.get(concern=concern, key="report_dso")
    services.concern_step_complete(
        actor=cast.dsl, concern=concern, step_id=step.pk, outcome="Told the deputy at 10:02."
    )
    with pytest.raises(DatabaseError):
        _raw("UPDATE concerns_concernstep SET outcome = %s WHERE id = %s", ["nothing", step.pk])
    with pytest.raises(ValidationFailed):
        services.concern_step_complete(
            actor=cast.dsl, concern=concern, step_id=step.pk, outcome="again"
        )
    assert ConcernStep.objects.get(pk=step.pk).outcome == "Told the deputy at 10:02."


def test_a_change_of_category_date_or_learner_is_an_entry_with_its_reason(cast: Cast) -> None:
    concern = public_concern(cast.organisation, about_name="Robin")
    with pytest.raises(ValidationFailed) as refused:
        services.concern_change(actor=cast.dsl, concern=concern, reason="", category="conduct")
    assert "reason" in refused.value.errors
    assert not concern.entries.filter(kind="changed").exists()
    changed = services.concern_change(
        actor=cast.dsl,
        concern=concern,
        reason="The mother confirmed which child; the messages started in March.",
        category="conduct",
        occurred_on=date(2025, 3, 3),
        learner=cast.learner,
    )
    assert changed == ["category", "learner_id", "occurred_on"]
    concern.refresh_from_db()
    assert concern.learner == cast.learner and concern.category == "conduct"
    entry = concern.entries.get(kind="changed")
    assert entry.reason.startswith("The mother confirmed")
    assert entry.data["category"] == {"from": "contact", "to": "conduct"}
    assert entry.data["learner_id"] == {"from": None, "to": cast.learner.pk}
    # What was first reported is still there.
    assert concern.entries.get(kind="raised").data["category"] == "contact"
    assert AuditEvent.objects.get(action="concern_changed").reason.startswith("The mother")

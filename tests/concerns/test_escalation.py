"""A concern nobody acknowledges is escalated: senior leaders and the DSL emailed again,
recorded; acknowledging stops it (INC-1)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chaperon.audit.models import AuditEvent
from chaperon.concerns import services
from chaperon.concerns.models import Concern
from chaperon.concerns.tasks import escalate_unacknowledged_concerns_task
from chaperon.core.models import EmailDelivery
from chaperon.core.scheduling import registered
from tests.conftest import Cast

from .helpers import always_in_hours, public_concern

pytestmark = [pytest.mark.django_db, pytest.mark.clause("INC-1")]


def _escalations() -> set[str]:
    return set(
        EmailDelivery.objects.filter(purpose="concern_escalation").values_list("to", flat=True)
    )


def test_escalation_fires_when_nobody_acknowledges_in_time(cast: Cast, settings) -> None:
    settings.CONCERN_ACKNOWLEDGE_MINUTES = 30
    always_in_hours(cast.organisation)
    concern = public_concern(cast.organisation)
    now = timezone.now()

    assert services.concerns_escalate_overdue(now=now + timedelta(minutes=29)) == []
    assert _escalations() == set()

    assert services.concerns_escalate_overdue(now=now + timedelta(minutes=31)) == [
        concern.reference
    ]
    assert _escalations() == {cast.slt.email, cast.dsl.email, cast.deputy.email}
    entry = concern.entries.get(kind="escalated")
    assert "Not acknowledged" in entry.summary
    assert AuditEvent.objects.filter(action="concern_escalated", object_id=str(concern.pk)).exists()

    # Once per period: running again straight away does nothing; a period later it repeats.
    assert services.concerns_escalate_overdue(now=now + timedelta(minutes=32)) == []
    assert services.concerns_escalate_overdue(now=now + timedelta(minutes=62)) == [
        concern.reference
    ]
    assert Concern.objects.get(pk=concern.pk).escalations == 2


def test_an_acknowledged_concern_is_not_escalated(cast: Cast) -> None:
    concern = public_concern(cast.organisation)
    services.concern_acknowledge(actor=cast.dsl, concern=concern)
    later = timezone.now() + timedelta(hours=5)
    assert services.concerns_escalate_overdue(now=later) == []
    assert _escalations() == set()


def test_the_periodic_task_is_registered_and_escalates(cast: Cast, settings, monkeypatch) -> None:
    assert any(p.task == escalate_unacknowledged_concerns_task for p in registered())
    settings.CONCERN_ACKNOWLEDGE_MINUTES = 1
    public_concern(cast.organisation)
    shifted = timezone.now() + timedelta(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: shifted)
    result = escalate_unacknowledged_concerns_task.enqueue()
    assert result.return_value == 1
    assert _escalations()

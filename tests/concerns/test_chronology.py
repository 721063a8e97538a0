"""A learner's chronology: concerns, decisions with reasons, referrals, sessions and consent
events in time order; a page and a PDF; every read audited (KCSIE, LOG-2)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from chaperon.audit.models import AuditEvent
from chaperon.concerns import services
from chaperon.concerns.chronology import chronology_for
from chaperon.concerns.pdf import chronology_pdf, latin1
from chaperon.consent.attachments import evidence_file
from chaperon.consent.services.answers import consent_record_by_staff
from chaperon.core.exceptions import NotFound, PermissionDenied
from chaperon.sessions.models import Session
from tests.conftest import Cast, signed_in

from .helpers import PDF, immediate_risk, pdf_text, public_concern

pytestmark = [pytest.mark.django_db, pytest.mark.clause("INC-4")]


def _history(cast: Cast) -> None:
    Session.objects.create(
        organisation=cast.organisation,
        organiser=cast.teacher,
        kind="one_to_one",
        title="Careers conversation",
        start=timezone.now() - timedelta(days=3),
        duration_minutes=30,
        status="booked",
    ).learners.add(cast.learner)
    consent_record_by_staff(
        actor=cast.dsl,
        learner=cast.learner,
        guardian_id=cast.guardian.pk,
        answered_by_name="Morgan Alder",
        channel="paper",
        answers={"live_one_to_one": "given", "parent_information": "given"},
        slots=[{"days": ["mon", "tue"], "from": "09:00", "to": "17:00"}],
        given_on=date.today(),
        attachment=evidence_file(name="form.pdf", content=PDF),
    )
    concern = public_concern(cast.organisation, learner=cast.learner)
    services.concern_triage(
        actor=cast.dsl, concern=concern, answers=immediate_risk(), risk_note="Threats to meet."
    )
    services.concern_referral_record(
        actor=cast.dsl,
        concern=concern,
        agency="police",
        made_on=date.today(),
        reference="CAD-4471",
    )


def test_the_chronology_is_in_time_order_and_audited(cast: Cast) -> None:
    _history(cast)
    found = chronology_for(cast.dsl, cast.learner.pk)
    kinds = [item.kind for item in found.items]
    assert kinds[0] == "Session"  # three days ago
    assert "Consent" in kinds and "Concern" in kinds and "Referral" in kinds
    assert kinds.index("Concern") < kinds.index("Referral")
    assert [item.at for item in found.items] == sorted(item.at for item in found.items)
    assert AuditEvent.objects.filter(
        action="concern_chronology_viewed", actor_id=cast.dsl.pk, object_id=str(cast.learner.pk)
    ).exists()


@pytest.mark.parametrize("who", ["teacher", "slt", "admin", "outsider"])
def test_only_the_dsl_and_deputies_read_a_chronology(cast: Cast, who: str) -> None:
    before = AuditEvent.objects.filter(action="concern_chronology_viewed").count()
    with pytest.raises((PermissionDenied, NotFound)):
        chronology_for(cast.user(who), cast.learner.pk)
    response = signed_in(cast.user(who)).get(reverse("concerns:chronology", args=[cast.learner.pk]))
    assert response.status_code in {403, 404}
    assert AuditEvent.objects.filter(action="concern_chronology_viewed").count() == before


def test_the_pdf_holds_the_entries_in_order(cast: Cast) -> None:
    _history(cast)
    response = signed_in(cast.deputy).get(
        reverse("concerns:chronology_pdf", args=[cast.learner.pk])
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    order = [
        text.index("Careers conversation"),
        text.index("Consent answer by Morgan Alder"),
        text.index("Raised by Pat Meadow"),
        text.index("Triaged: immediate risk"),
        text.index("CAD-4471"),
    ]
    assert order == sorted(order)
    assert AuditEvent.objects.filter(action="concern_chronology_exported").exists()


def test_text_outside_latin1_never_stops_the_export(cast: Cast) -> None:
    assert latin1("\u201cQuote\u201d \u2013 dash\u2026 \u2603") == '"Quote" - dash... ?'
    concern = public_concern(
        cast.organisation,
        learner=cast.learner,
        description="Said \u201cmeet me\u201d \U0001f642 \u2013 at 9",
    )
    assert concern.pk
    pdf = chronology_pdf(chronology_for(cast.dsl, cast.learner.pk))
    assert 'Said "meet me" ? - at 9' in pdf_text(pdf)

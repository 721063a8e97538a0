"""Triage per Annex 1, referrals with date and reference, responses and closing (INC-2..INC-9)."""

from datetime import date

import pytest
from django.urls import reverse

from chaperon.audit.models import AuditEvent
from chaperon.concerns import services
from chaperon.concerns.checklist import Answers, Illegal, NudeSharing, RiskToUser
from chaperon.concerns.models import ConcernStep
from chaperon.core.exceptions import ValidationFailed
from tests.conftest import Cast, signed_in

from .helpers import immediate_risk, public_concern

pytestmark = [pytest.mark.django_db]


@pytest.mark.clause("INC-3")
def test_triage_opens_the_steps_with_owner_and_due_time(cast: Cast) -> None:
    concern = public_concern(cast.organisation)
    opened = services.concern_triage(
        actor=cast.dsl,
        concern=concern,
        answers=immediate_risk(),
        risk_note="Threats to meet tonight.",
        owner=cast.deputy,
    )
    concern.refresh_from_db()
    assert concern.status == "triaged" and concern.acknowledged_at is not None
    keys = {step.key for step in opened}
    assert {"preserve_evidence", "refer_immediate", "refer_significant_harm"} <= keys
    assert all(step.owner == cast.deputy and step.due_at > concern.created_at for step in opened)
    triaged = concern.entries.get(kind="triaged")
    assert triaged.data["immediate_risk"] is True and triaged.text == "Threats to meet tonight."


@pytest.mark.clause("INC-4")
def test_a_referral_needs_its_reference_and_completes_its_steps(cast: Cast) -> None:
    concern = public_concern(cast.organisation)
    services.concern_triage(
        actor=cast.dsl, concern=concern, answers=immediate_risk(), risk_note="Threats."
    )
    with pytest.raises(ValidationFailed) as refused:
        services.concern_referral_record(
            actor=cast.dsl, concern=concern, agency="police", made_on=date.today(), reference=""
        )
    assert "reference" in refused.value.errors
    assert not concern.entries.filter(kind="referral").exists()
    completed = services.concern_referral_record(
        actor=cast.dsl,
        concern=concern,
        agency="police",
        made_on=date.today(),
        reference="CAD-4471",
        without_consent=True,
        reason="Risk of significant harm tonight; telling the family first could alert the adult.",
    )
    assert set(completed) == {"refer_immediate", "refer_significant_harm"}
    referral = concern.entries.get(kind="referral")
    assert referral.data["reference"] == "CAD-4471" and referral.data["without_consent"]
    assert "without consent" in referral.summary


@pytest.mark.clause("INC-8")
def test_without_consent_needs_a_reason(cast: Cast) -> None:
    concern = public_concern(cast.organisation)
    with pytest.raises(ValidationFailed) as refused:
        services.concern_referral_record(
            actor=cast.dsl,
            concern=concern,
            agency="social_care",
            made_on=date.today(),
            reference="MASH-1",
            without_consent=True,
        )
    assert "reason" in refused.value.errors


@pytest.mark.clause("INC-9")
def test_nothing_closes_with_an_open_step_unless_the_dsl_says_why(cast: Cast) -> None:
    concern = public_concern(cast.organisation)
    services.concern_triage(
        actor=cast.dsl,
        concern=concern,
        answers=Answers(Illegal.NO, False, RiskToUser.LOW, NudeSharing.NOT_INVOLVED),
        risk_note="Upsetting video; no contact made.",
    )
    responses = {"blocked_sites": "The game's chat blocked on the network", "sanctions": "None"}
    with pytest.raises(ValidationFailed) as refused:
        services.concern_close(
            actor=cast.dsl, concern=concern, responses=responses, reporter_told="Phoned Pat"
        )
    assert "open_steps_reason" in refused.value.errors
    concern.refresh_from_db()
    assert concern.status == "triaged"
    for step in ConcernStep.objects.filter(concern=concern).exclude(key="parents"):
        services.concern_step_complete(
            actor=cast.dsl, concern=concern, step_id=step.pk, outcome="Done."
        )
    services.concern_close(
        actor=cast.dsl,
        concern=concern,
        responses=responses,
        reporter_told="Phoned Pat on Friday.",
        open_steps_reason="The parent reported it; they already know.",
    )
    concern.refresh_from_db()
    assert concern.status == "closed" and concern.closed_at
    closed = concern.entries.get(kind="closed")
    assert closed.data["open_steps"] == ["parents"] and closed.reason.startswith("The parent")
    assert AuditEvent.objects.filter(action="concern_closed").count() == 1
    with pytest.raises(ValidationFailed):
        services.concern_note_add(actor=cast.dsl, concern=concern, text="late note")


def test_the_triage_page_works_end_to_end_for_a_deputy(cast: Cast) -> None:
    concern = public_concern(cast.organisation)
    client = signed_in(cast.deputy)
    response = client.post(
        reverse("concerns:triage", args=[concern.pk]),
        {
            "illegal": "not_sure",
            "immediate_risk": "no",
            "risk_to_user": "harm",
            "nude_sharing": "experimental",
            "risk_note": "Images exchanged between two Year 9 pupils.",
            "owner": cast.deputy.pk,
        },
    )
    assert response.status_code == 302
    keys = set(ConcernStep.objects.filter(concern=concern).values_list("key", flat=True))
    assert {"refer_authorities", "experimental_plan", "refer_welfare"} <= keys
    page = client.get(reverse("concerns:detail", args=[concern.pk])).content.decode()
    assert "Experimental sharing" in page
    bad = client.post(reverse("concerns:referral", args=[concern.pk]), {"agency": "ceop"})
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()

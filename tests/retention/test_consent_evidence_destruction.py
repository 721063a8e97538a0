"""Destroying a learner's consent evidence at the end of its period (LOG-2): six years after
its last answer ended, only on the DSL's confirmation, certified in the audit log with the
chain whole. Evidence with an answer still current, or that ended later, stays; before its
date, under a hold, while a case is open or for anyone but the DSL, nothing changes."""

import json
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import TestCase

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.audit.verify import verify_chain
from chaperon.consent.models import Consent, ConsentEvidence, Purpose
from chaperon.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from chaperon.core.pure.dates import add_years
from chaperon.core.pure.retention import Kind
from chaperon.people.models import Learner
from chaperon.retention.models import RetentionDestruction, RetentionHold
from chaperon.retention.selectors import due_for_review
from chaperon.retention.services import (
    retention_consent_evidence_destroy,
    retention_hold_place,
    retention_hold_release,
)
from tests import factories
from tests.conftest import Cast, signed_in

from .helpers import answered, learner_with_file

pytestmark = [pytest.mark.clause("LOG-2")]
KIND = Kind.CONSENT_EVIDENCE


def years_ago(cast: Cast, years: int, *, days: int = 0) -> date:
    return add_years(cast.organisation.today(), -years) + timedelta(days=days)


def state(learner: Learner) -> dict[str, int]:
    """Everything a refused destruction must leave as it was."""
    return {
        "evidence": ConsentEvidence.objects.filter(learner=learner).count(),
        "consents": Consent.objects.filter(learner=learner).count(),
        "certificates": RetentionDestruction.objects.count(),
        "events": AuditEvent.objects.count(),
        "holds": RetentionHold.objects.count(),
    }


def with_ended_evidence(cast: Cast, *, first_name: str = "Noor", ended: int = 7) -> Learner:
    """A learner whose first answer (live group) was replaced ``ended`` years ago by one that
    is still current."""
    learner = factories.learner(cast.organisation, first_name=first_name)
    answered(learner, years_ago(cast, ended + 2), Purpose.LIVE_GROUP)
    answered(learner, years_ago(cast, ended), Purpose.LIVE_GROUP)
    return learner


def test_the_dsl_destroys_the_evidence_that_ended_and_keeps_the_rest(cast: Cast) -> None:
    learner = factories.learner(cast.organisation, first_name="Noor")
    ended = answered(learner, years_ago(cast, 9), Purpose.LIVE_GROUP)
    current = answered(learner, years_ago(cast, 7), Purpose.LIVE_GROUP)  # ends the first
    later = answered(learner, years_ago(cast, 8), Purpose.RECORDING)
    answered(learner, years_ago(cast, 5), Purpose.RECORDING)  # ends it five years ago
    name = default_storage.save("consent/test/form.pdf", ContentFile(b"%PDF-1.4 signed form"))
    ConsentEvidence.objects.filter(pk=ended.pk).update(attachment=name)
    other = with_ended_evidence(cast, first_name="Sam")
    kept = state(other)

    with TestCase.captureOnCommitCallbacks(execute=True):
        certificate = retention_consent_evidence_destroy(actor=cast.dsl, learner_id=learner.pk)

    assert not ConsentEvidence.objects.filter(pk=ended.pk).exists()
    assert not Consent.objects.filter(evidence_id=ended.pk).exists()
    assert not default_storage.exists(name)
    remaining = set(ConsentEvidence.objects.filter(learner=learner).values_list("pk", flat=True))
    assert current.pk in remaining and later.pk in remaining and len(remaining) == 3
    assert Consent.objects.filter(learner=learner).count() == 3
    assert state(other)["evidence"] == kept["evidence"] == 2  # another learner's stays
    Learner.objects.get(pk=learner.pk)  # the learner's own record stays
    assert certificate.kind == KIND
    assert (certificate.learner_id_was, certificate.staff_id_was) == (learner.pk, None)
    assert certificate.record_count == 2  # one piece of evidence and its one answer
    assert len(certificate.content_sha256) == 64
    event = AuditEvent.objects.get(action=AuditAction.RETENTION_RECORDS_DESTROYED)
    assert (certificate.audit_seq, certificate.audit_hash) == (event.seq, event.hash)
    assert RetentionDestruction.objects.get().audit_hash == event.hash
    assert event.actor_id == cast.dsl.pk
    data = json.loads(event.data)
    assert (data["kind"], data["learner"], data["records"]) == ("consent_evidence", learner.pk, 2)
    assert data["content_sha256"] == certificate.content_sha256
    assert data["cut_off"] == years_ago(cast, 6).isoformat()
    assert verify_chain().ok
    due = due_for_review(cast.organisation, KIND, cast.organisation.today())
    assert list(due) == [other]


def test_evidence_ended_exactly_six_years_ago_goes_and_a_day_later_stays(cast: Cast) -> None:
    learner = factories.learner(cast.organisation, first_name="Noor")
    due = answered(learner, years_ago(cast, 8), Purpose.IMAGES)
    answered(learner, years_ago(cast, 6), Purpose.IMAGES)  # ends the first, due today
    not_yet = answered(learner, years_ago(cast, 8), Purpose.LIVE_GROUP)
    answered(learner, years_ago(cast, 6, days=1), Purpose.LIVE_GROUP)  # due tomorrow

    retention_consent_evidence_destroy(actor=cast.dsl, learner_id=learner.pk)

    assert not ConsentEvidence.objects.filter(pk=due.pk).exists()
    assert ConsentEvidence.objects.filter(pk=not_yet.pk).exists()
    assert Consent.objects.filter(evidence=not_yet).count() == 1


def test_evidence_that_ended_less_than_six_years_ago_is_not_destroyed(cast: Cast) -> None:
    learner = with_ended_evidence(cast, ended=5)
    before = state(learner)

    with pytest.raises(ValidationFailed) as refused:
        retention_consent_evidence_destroy(actor=cast.dsl, learner_id=learner.pk)

    assert "period" in refused.value.errors["confirm"]
    assert state(learner) == before


def test_evidence_with_every_answer_current_is_not_destroyed(cast: Cast) -> None:
    learner = factories.learner(cast.organisation, first_name="Noor")
    answered(learner, years_ago(cast, 12), Purpose.LIVE_GROUP, Purpose.RECORDING)
    before = state(learner)

    with pytest.raises(ValidationFailed):
        retention_consent_evidence_destroy(actor=cast.dsl, learner_id=learner.pk)

    assert state(learner) == before


def test_a_hold_keeps_the_evidence_until_it_is_released(cast: Cast) -> None:
    learner = with_ended_evidence(cast)
    hold = retention_hold_place(
        actor=cast.dsl, learner_id=learner.pk, reason="A complaint about consent is open."
    )
    before = state(learner)

    with pytest.raises(ValidationFailed) as refused:
        retention_consent_evidence_destroy(actor=cast.dsl, learner_id=learner.pk)

    assert "hold" in refused.value.errors["confirm"]
    assert state(learner) == before

    retention_hold_release(actor=cast.dsl, hold_id=hold.pk, reason="The complaint was closed.")
    retention_consent_evidence_destroy(actor=cast.dsl, learner_id=learner.pk)
    assert ConsentEvidence.objects.filter(learner=learner).count() == 1


def test_an_open_case_about_the_learner_keeps_the_evidence(cast: Cast) -> None:
    learner = learner_with_file(cast, years_ago(cast, 12))  # an open concern about them
    answered(learner, years_ago(cast, 9), Purpose.LIVE_GROUP)
    answered(learner, years_ago(cast, 7), Purpose.LIVE_GROUP)
    before = state(learner)

    with pytest.raises(ValidationFailed) as refused:
        retention_consent_evidence_destroy(actor=cast.dsl, learner_id=learner.pk)

    assert "open" in refused.value.errors["confirm"]
    assert state(learner) == before


@pytest.mark.parametrize("who", ["deputy", "slt", "teacher", "admin"])
def test_only_the_dsl_destroys_consent_evidence(cast: Cast, who: str) -> None:
    learner = with_ended_evidence(cast)
    before = state(learner)

    with pytest.raises(PermissionDenied):
        retention_consent_evidence_destroy(actor=cast.user(who), learner_id=learner.pk)

    assert state(learner) == before


def test_the_dsl_of_another_organisation_finds_nothing_to_destroy(cast: Cast) -> None:
    learner = with_ended_evidence(cast)
    before = state(learner)

    with pytest.raises(NotFound):
        retention_consent_evidence_destroy(actor=cast.outsider, learner_id=learner.pk)

    assert state(learner) == before


def page_of(learner: Learner) -> str:
    return f"/retention/review/learner/{learner.pk}/consent/destroy/"


def test_the_dsl_reviews_and_confirms_on_the_page(cast: Cast) -> None:
    learner = with_ended_evidence(cast)
    dsl = signed_in(cast.dsl)
    listing = dsl.get("/retention/review/?kind=consent_evidence").content.decode()
    assert f'href="{page_of(learner)}"' in listing
    assert "Review and destroy" in listing
    viewed = AuditEvent.objects.filter(action=AuditAction.RETENTION_REVIEW_VIEWED).count()

    confirm = dsl.get(page_of(learner))

    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert learner.full_name in text
    assert "1 piece of evidence" in text
    assert (
        AuditEvent.objects.filter(action=AuditAction.RETENTION_REVIEW_VIEWED).count() == viewed + 1
    )

    unticked = dsl.post(page_of(learner), {})
    assert unticked.status_code == 400
    assert state(learner)["evidence"] == 2 and RetentionDestruction.objects.count() == 0

    done = dsl.post(page_of(learner), {"confirm": "on"})

    assert done.status_code == 302
    assert done["Location"].endswith("?kind=consent_evidence")
    assert ConsentEvidence.objects.filter(learner=learner).count() == 1
    assert RetentionDestruction.objects.get().learner_id_was == learner.pk


def test_the_page_says_why_a_held_record_cannot_go_and_refuses_it(cast: Cast) -> None:
    learner = with_ended_evidence(cast)
    retention_hold_place(actor=cast.dsl, learner_id=learner.pk, reason="An inquiry asked.")
    before = state(learner)
    dsl = signed_in(cast.dsl)

    page = dsl.get(page_of(learner)).content.decode()
    refused = dsl.post(page_of(learner), {"confirm": "on"})

    assert "Held: release the hold first" in page
    assert "Destroy this evidence" not in page
    assert refused.status_code == 400
    assert "release it first" in refused.content.decode()
    after = state(learner)
    assert (after["evidence"], after["consents"], after["certificates"]) == (
        before["evidence"],
        before["consents"],
        0,
    )


def test_the_page_of_evidence_not_due_is_not_found_and_others_may_not_open_it(
    cast: Cast,
) -> None:
    not_due = with_ended_evidence(cast, first_name="Sam", ended=5)
    due = with_ended_evidence(cast)
    before = state(due)

    assert signed_in(cast.dsl).get(page_of(not_due)).status_code == 404
    assert signed_in(cast.teacher).post(page_of(due), {"confirm": "on"}).status_code == 403
    assert signed_in(cast.outsider).post(page_of(due), {"confirm": "on"}).status_code == 404
    assert state(due)["evidence"] == before["evidence"] == 2

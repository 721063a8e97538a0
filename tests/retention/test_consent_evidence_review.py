"""Consent evidence on the DSL's review list (LOG-2): six years from the consent ending, that
is from the day its last answer was withdrawn or replaced by a later one. Evidence with an
answer still current never comes to review; the first day it is due is the sixth anniversary
of its end (29 February ends on 1 March)."""

from datetime import date, timedelta

import pytest

from chaperon.consent.models import Answer, Channel, Consent, ConsentEvidence, Purpose
from chaperon.core.pure.dates import add_years
from chaperon.core.pure.retention import Kind
from chaperon.retention.selectors import due_for_review, due_rows
from chaperon.retention.services import retention_review_keep
from tests import factories
from tests.conftest import Cast, signed_in
from tests.retention.helpers import answered, at_noon

pytestmark = [pytest.mark.clause("LOG-2")]
KIND = Kind.CONSENT_EVIDENCE


def due_on(cast: Cast, today: date) -> list[tuple[str, date]]:
    due = due_for_review(cast.organisation, KIND, today)
    return [(row.name, row.due_on) for row in due_rows(cast.organisation, KIND, due)]


def test_evidence_is_due_six_years_after_it_was_replaced_and_not_a_day_before(
    cast: Cast,
) -> None:
    learner = factories.learner(cast.organisation, first_name="Noor")
    answered(learner, date(2018, 9, 3), Purpose.LIVE_GROUP)
    answered(learner, date(2020, 5, 11), Purpose.LIVE_GROUP)  # the first ends this day

    assert due_on(cast, date(2026, 5, 10)) == []
    assert due_on(cast, date(2026, 5, 11)) == [(learner.full_name, date(2026, 5, 11))]
    assert due_on(cast, date(2027, 1, 1)) == [(learner.full_name, date(2026, 5, 11))]


def test_an_answer_still_current_never_comes_to_review(cast: Cast) -> None:
    learner = factories.learner(cast.organisation, first_name="Noor")
    answered(learner, date(2001, 9, 3), Purpose.LIVE_GROUP, Purpose.RECORDING)
    answered(learner, date(2005, 5, 11), Purpose.RECORDING)  # live group still current

    assert due_on(cast, date(2030, 1, 1)) == []


def test_a_withdrawal_ends_the_consent_it_withdraws(cast: Cast) -> None:
    learner = factories.learner(cast.organisation, first_name="Noor")
    given = answered(learner, date(2015, 1, 5), Purpose.RECORDING)
    Consent.objects.filter(evidence=given).update(superseded_at=at_noon(date(2016, 3, 2)))
    withdrawal = ConsentEvidence.objects.create(
        organisation=cast.organisation,
        learner=learner,
        kind="withdrawal",
        answered_by_name="Pat Example",
        channel=Channel.PHONE,
        answered_at=at_noon(date(2016, 3, 2)),
        given_on=date(2016, 3, 2),
    )
    Consent.objects.create(
        organisation=cast.organisation,
        learner=learner,
        evidence=withdrawal,
        purpose=Purpose.RECORDING,
        answer=Answer.WITHDRAWN,
    )

    assert due_on(cast, date(2022, 3, 1)) == []
    assert due_on(cast, date(2022, 3, 2)) == [(learner.full_name, date(2022, 3, 2))]


def test_evidence_that_ended_on_29_february_is_due_on_1_march(cast: Cast) -> None:
    learner = factories.learner(cast.organisation, first_name="Noor")
    answered(learner, date(2019, 6, 1), Purpose.IMAGES)
    answered(learner, date(2020, 2, 29), Purpose.IMAGES)

    assert due_on(cast, date(2026, 2, 28)) == []
    assert due_on(cast, date(2026, 3, 1)) == [(learner.full_name, date(2026, 3, 1))]


def test_the_dsl_keeps_it_longer_and_it_leaves_the_list_until_then(cast: Cast) -> None:
    today = cast.organisation.today()
    learner = factories.learner(cast.organisation, first_name="Noor")
    answered(learner, add_years(today, -8), Purpose.LIVE_GROUP)
    answered(learner, add_years(today, -7), Purpose.LIVE_GROUP)
    assert [name for name, _ in due_on(cast, today)] == [learner.full_name]

    retention_review_keep(
        actor=cast.dsl,
        kind=KIND.value,
        keep_until=today + timedelta(days=365),
        reason="A complaint about the recordings is being looked into.",
        learner_id=learner.pk,
    )

    assert due_on(cast, today) == []
    assert due_on(cast, today + timedelta(days=365)) != []


def test_the_review_list_shows_consent_evidence_with_its_destroy_button(cast: Cast) -> None:
    today = cast.organisation.today()
    learner = factories.learner(cast.organisation, first_name="Noor")
    answered(learner, add_years(today, -9), Purpose.LIVE_GROUP)
    answered(learner, add_years(today, -7), Purpose.LIVE_GROUP)

    page = signed_in(cast.dsl).get("/retention/review/?kind=consent_evidence")

    assert page.status_code == 200
    text = page.content.decode()
    assert learner.full_name in text
    assert "Consent evidence" in text
    assert f"/retention/review/learner/{learner.pk}/consent/destroy/" in text
    assert "Review and destroy" in text

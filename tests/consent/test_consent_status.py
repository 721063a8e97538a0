"""The consent facts that cross apps (``chaperon.core.pure.consent``) are the answers the
consent app stores, as the same strings, and "missing" for none."""

from chaperon.consent.models import Answer
from chaperon.core.pure.consent import ConsentStatus
from chaperon.policy.engine.facts import ConsentStatus as PlanConsentStatus


def test_consent_answers_are_consent_statuses_as_stored() -> None:
    assert {answer.value for answer in Answer} | {"missing"} == set(ConsentStatus)
    assert ConsentStatus.GIVEN == "given"
    assert PlanConsentStatus is ConsentStatus

"""A class's parents and carers are asked for consent in one step from the class's page: only
for the learners who have not given it and have no request still awaiting an answer."""

import pytest

from chaperon.consent.models import ConsentRequest, Purpose
from chaperon.core.actors import SYSTEM
from chaperon.people.models import Group, Learner
from chaperon.people.services import group_add_learners, group_create
from tests import factories
from tests.conftest import Cast, signed_in
from tests.sessions.helpers import consent_for

pytestmark = [pytest.mark.clause("SES-9")]


def _class(cast: Cast, *learners: Learner) -> Group:
    french = group_create(
        actor=SYSTEM, organisation=cast.organisation, kind="class", name="Year 9 French set 2"
    )
    group_add_learners(actor=SYSTEM, group=french, learners=learners)
    return french


def _learner(cast: Cast, first: str, last: str) -> Learner:
    learner = factories.learner(cast.organisation, first_name=first, last_name=last)
    factories.guardian(cast.organisation, of=learner, full_name=f"Parent {last}")
    return learner


def test_one_step_asks_only_the_learners_still_to_ask(cast: Cast) -> None:
    given = cast.learner
    consent_for(given, cast.dsl)
    missing = _learner(cast, "Sasha", "Birch")
    awaiting = _learner(cast, "Quinn", "Ashby")
    french = _class(cast, given, missing, awaiting)
    dsl = signed_in(cast.dsl)
    page = dsl.get(f"/classes/{french.pk}/").content.decode()
    assert "Ask the class's parents and carers" in page

    first = dsl.post(f"/classes/{french.pk}/consent/", {"purposes": [Purpose.LIVE_GROUP]})
    assert first.status_code == 302
    asked = set(ConsentRequest.objects.values_list("learner_id", flat=True))
    assert asked == {missing.pk, awaiting.pk}

    # Asking again asks nobody: the requests still await an answer.
    again = dsl.post(f"/classes/{french.pk}/consent/", {"purposes": [Purpose.LIVE_GROUP]})
    assert again.status_code == 302
    assert ConsentRequest.objects.count() == 2
    shown = dsl.get(f"/classes/{french.pk}/").content.decode()
    assert "Nobody to ask" in shown


def test_asking_needs_a_purpose_and_the_consent_permission(cast: Cast) -> None:
    french = _class(cast, _learner(cast, "Sasha", "Birch"))
    dsl = signed_in(cast.dsl)
    nothing = dsl.post(f"/classes/{french.pk}/consent/", {})
    assert nothing.status_code == 302
    assert "Choose at least one" in dsl.get(f"/classes/{french.pk}/").content.decode()
    refused = signed_in(cast.ict).post(
        f"/classes/{french.pk}/consent/", {"purposes": [Purpose.LIVE_GROUP]}
    )
    assert refused.status_code in (403, 404)
    assert not ConsentRequest.objects.exists()

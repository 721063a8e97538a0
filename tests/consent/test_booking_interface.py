"""What booking reads: each learner's consent facts for a kind of session on a day, and whether
staff may be recorded. A constant number of queries however many people are asked about."""

from datetime import date, timedelta

import pytest
from django.test import Client

from chaperon.consent import services
from chaperon.consent.attachments import evidence_file
from chaperon.consent.models import Consent
from chaperon.consent.selectors import (
    LearnerConsentFacts,
    session_consent_facts,
    staff_recording_consent,
)
from chaperon.core.pure.consent import ConsentStatus, ParentInformation
from chaperon.people.models import Learner
from chaperon.people.selectors import organisation_today
from tests import factories
from tests.conftest import Cast

from .helpers import agree_to_all_but, answer_token, form_data, send_request

pytestmark = pytest.mark.django_db

NOTHING_RECORDED = LearnerConsentFacts(
    ConsentStatus.MISSING, ConsentStatus.MISSING, ParentInformation.MISSING, []
)

SLOT: list[dict[str, object]] = [{"days": ["tue", "thu"], "from": "16:00", "to": "17:00"}]


def _answer(cast: Cast, learner: Learner, answers: dict[str, str]) -> None:
    if learner.pk != cast.learner.pk and not learner.relationships.exists():
        factories.guardian(cast.organisation, of=learner)
    consent_request = send_request(cast.teacher, learner)
    response = Client().post(f"/consent/r/{answer_token(consent_request)}/", form_data(answers))
    assert response.status_code == 302


@pytest.mark.clause("SES-1")
@pytest.mark.clause("SES-8")
@pytest.mark.clause("REC-4")
def test_the_facts_of_a_learner_who_agreed_to_taking_part_but_not_recording(cast: Cast) -> None:
    _answer(cast, cast.learner, agree_to_all_but("recording"))
    today = organisation_today(cast.organisation)
    facts = session_consent_facts(learner_ids=[cast.learner.pk], kind="one_to_one", on=today)
    assert facts == {
        cast.learner.pk: LearnerConsentFacts(
            participation=ConsentStatus.GIVEN,
            recording=ConsentStatus.DECLINED,
            parent_information=ParentInformation.CONFIRMED,
            agreed_slots=SLOT,
        )
    }
    group = session_consent_facts(learner_ids=[cast.learner.pk], kind="webinar", on=today)
    assert group[cast.learner.pk].participation == "given"


def test_each_kind_of_session_reads_its_own_purpose(cast: Cast) -> None:
    _answer(cast, cast.learner, agree_to_all_but("live_group", "parent_information"))
    today = organisation_today(cast.organisation)
    one_to_one = session_consent_facts(learner_ids=[cast.learner.pk], kind="one_to_one", on=today)
    group = session_consent_facts(learner_ids=[cast.learner.pk], kind="group", on=today)
    assert one_to_one[cast.learner.pk].participation == "given"
    assert group[cast.learner.pk].participation == "declined"
    assert group[cast.learner.pk].parent_information == "missing"
    with pytest.raises(ValueError, match="unknown session kind"):
        session_consent_facts(learner_ids=[cast.learner.pk], kind="party", on=today)


def test_a_learner_with_nothing_recorded_is_missing_everything(cast: Cast) -> None:
    facts = session_consent_facts(learner_ids=[cast.learner.pk], kind="group", on=date.today())
    assert facts[cast.learner.pk] == NOTHING_RECORDED


def test_consent_past_its_last_day_counts_as_missing(cast: Cast) -> None:
    _answer(cast, cast.learner, agree_to_all_but())
    valid_until = Consent.objects.get(purpose="recording").valid_until
    assert valid_until is not None
    on_last_day = session_consent_facts(
        learner_ids=[cast.learner.pk], kind="one_to_one", on=valid_until
    )[cast.learner.pk]
    after = session_consent_facts(
        learner_ids=[cast.learner.pk], kind="one_to_one", on=valid_until + timedelta(days=1)
    )[cast.learner.pk]
    assert (on_last_day.participation, on_last_day.recording) == ("given", "given")
    assert on_last_day.agreed_slots == SLOT
    assert after == NOTHING_RECORDED


def test_withdrawn_consent_reads_as_withdrawn(cast: Cast) -> None:
    _answer(cast, cast.learner, agree_to_all_but())
    services.consent_withdraw(
        actor=cast.dsl,
        learner=cast.learner,
        purposes=["recording", "live_one_to_one"],
        withdrawn_by_name="Morgan Alder",
        channel="phone",
        reason="No more 1:1",
    )
    facts = session_consent_facts(
        learner_ids=[cast.learner.pk], kind="one_to_one", on=date.today()
    )[cast.learner.pk]
    assert (facts.participation, facts.recording, facts.agreed_slots) == (
        "withdrawn",
        "withdrawn",
        [],
    )


@pytest.mark.parametrize("how_many", [1, 8])
def test_the_facts_take_one_query_however_many_learners(
    cast: Cast, how_many: int, django_assert_num_queries
) -> None:
    learners = [cast.learner] + [
        factories.learner(cast.organisation, first_name=f"Sam{n}") for n in range(how_many - 1)
    ]
    for learner in learners:
        _answer(cast, learner, agree_to_all_but("images"))
    ids = [learner.pk for learner in learners]
    with django_assert_num_queries(1):
        facts = session_consent_facts(learner_ids=ids, kind="one_to_one", on=date.today())
    assert set(facts) == set(ids)
    assert {f.participation for f in facts.values()} == {"given"}


@pytest.mark.clause("REC-4")
def test_staff_may_be_recorded_once_they_and_any_employer_consent(cast: Cast) -> None:
    teacher = cast.teacher.staff
    tutor = factories.staff_member(factories.staff(cast.organisation, "teacher", name="Tam Reed"))
    nobody = cast.teacher2.staff
    services.staff_recording_consent_answer(actor=cast.teacher, answer="given")
    services.staff_recording_consent_answer(
        actor=tutor.user, answer="given", employer_name="Bright Tutors Ltd"
    )
    ids = [teacher.pk, tutor.pk, nobody.pk]
    assert staff_recording_consent(staff_ids=ids) == {
        teacher.pk: True,
        tutor.pk: False,  # the employer has not consented yet
        nobody.pk: False,
    }
    services.employer_recording_consent_record(
        actor=cast.dsl,
        staff=tutor,
        employer_name="Bright Tutors Ltd",
        answer="given",
        attachment=evidence_file(name="letter.pdf", content=b"%PDF-1.4 letter"),
    )
    services.staff_recording_consent_answer(actor=cast.teacher, answer="declined")
    assert staff_recording_consent(staff_ids=ids) == {
        teacher.pk: False,
        tutor.pk: True,
        nobody.pk: False,
    }


@pytest.mark.parametrize("how_many", [1, 6])
def test_staff_consent_takes_one_query_however_many_staff(
    cast: Cast, how_many: int, django_assert_num_queries
) -> None:
    users = [factories.staff(cast.organisation, "teacher") for _ in range(how_many)]
    for user in users:
        services.staff_recording_consent_answer(actor=user, answer="given")
    ids = [user.staff.pk for user in users]
    with django_assert_num_queries(1):
        allowed = staff_recording_consent(staff_ids=ids)
    assert allowed == dict.fromkeys(ids, True)

"""Learners, and parents and carers, agree to their acceptable use agreements by a personal link
(ORG-2): who each learner's agreement is, by key stage; links sent once to those who have not
agreed; signing by link, once, with one's typed name; the register of who has agreed; and each
learner's agreement on a session's page."""

import json
from datetime import date, timedelta

import pytest
from django.test import Client

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.actors import SYSTEM
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.core.models import EmailDelivery
from chaperon.governance.agreements import learners_in_audience
from chaperon.governance.audiences import learner_audience, year_reference_day
from chaperon.governance.aup_links import agreement_token
from chaperon.governance.models import Audience, AupRequest, AupSignature, AupVersion
from chaperon.governance.services import aup_publish, aup_requests_ask, aup_requests_send
from tests import factories
from tests.conftest import Cast, signed_in
from tests.records.helpers import ended_session

pytestmark = pytest.mark.clause("ORG-2")

PRIMARY, SECONDARY, POST16 = (
    Audience.LEARNER_PRIMARY,
    Audience.LEARNER_SECONDARY,
    Audience.LEARNER_POST16,
)


def _publish(cast: Cast, audience: str, text: str = "I keep my camera on.") -> AupVersion:
    return aup_publish(
        actor=cast.dsl,
        organisation=cast.organisation,
        audience=audience,
        title=f"Agreement for {audience}",
        text=text,
    )


def _sign_page(aup_request: AupRequest) -> str:
    return f"/agree/{agreement_token(aup_request)}/"


@pytest.mark.parametrize(
    ("born", "today", "audience"),
    [
        # Aged 10 on 31 August 2026: year 6, the last year of key stage 2.
        (date(2015, 9, 1), date(2026, 12, 7), PRIMARY),
        # Aged 11 on 31 August 2026: year 7, key stage 3.
        (date(2015, 8, 31), date(2026, 12, 7), SECONDARY),
        # Before 1 September the year before still counts: aged 10 on 31 August 2025.
        (date(2015, 8, 31), date(2026, 8, 31), PRIMARY),
        (date(2015, 8, 31), date(2026, 9, 1), SECONDARY),
        # Aged 15 on the day: year 11; aged 16: key stage 5.
        (date(2010, 9, 1), date(2026, 12, 7), SECONDARY),
        (date(2010, 8, 31), date(2026, 12, 7), POST16),
        # A learner born on 29 February is sorted by the same day as everyone else.
        (date(2016, 2, 29), date(2026, 12, 7), PRIMARY),
        (date(2012, 2, 29), date(2026, 12, 7), SECONDARY),
    ],
)
def test_a_learners_agreement_follows_their_year_group(born, today, audience) -> None:
    assert learner_audience(born, adult_at_risk=False, today=today) == audience


def test_adults_at_risk_take_the_adult_learners_agreement_whatever_their_age() -> None:
    assert learner_audience(date(2015, 1, 1), adult_at_risk=True, today=date(2026, 12, 7)) == (
        POST16
    )
    assert year_reference_day(date(2027, 1, 5)) == date(2026, 8, 31)


def test_the_query_for_an_audience_agrees_with_the_rule(cast: Cast) -> None:
    today = cast.organisation.today()
    reference = year_reference_day(today)
    borns = [
        reference.replace(year=reference.year - age) + timedelta(days=shift)
        for age in (9, 10, 11, 15, 16, 17)
        for shift in (0, 1)
    ]
    made = [factories.learner(cast.organisation, date_of_birth=born) for born in borns]
    made.append(factories.learner(cast.organisation, adult_at_risk=True))
    for audience in (PRIMARY, SECONDARY, POST16):
        by_query = set(
            learners_in_audience(cast.organisation.pk, audience, today)
            .filter(pk__in=[learner.pk for learner in made])
            .values_list("pk", flat=True)
        )
        by_rule = {
            learner.pk
            for learner in made
            if learner_audience(
                learner.date_of_birth, adult_at_risk=learner.adult_at_risk, today=today
            )
            == audience
        }
        assert by_query == by_rule
        assert by_rule


def test_links_go_to_those_the_agreement_is_for_once(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    # cast.learner (born 2012) is in key stage 3 and has no email: their parents agree with them.
    no_responsibility = factories.guardian(
        cast.organisation, of=cast.learner, parental_responsibility=False
    )
    own_email = factories.learner(
        cast.organisation,
        first_name="Ash",
        email="ash@pupils.example",
        date_of_birth=date(2011, 3, 3),
    )
    version = _publish(cast, SECONDARY)
    with django_capture_on_commit_callbacks(execute=True):
        aup_requests_ask(actor=cast.dsl, audience=SECONDARY)
    sent = {(row.learner_id, row.guardian_id, row.email) for row in AupRequest.objects.all()}
    assert (cast.learner.pk, cast.guardian.pk, cast.guardian.email) in sent
    assert (own_email.pk, None, "ash@pupils.example") in sent
    assert all(guardian != no_responsibility.pk for _, guardian, _ in sent)
    emails = EmailDelivery.objects.filter(purpose="aup_request")
    assert sorted(emails.values_list("to", flat=True)) == sorted(email for *_, email in sent)
    assert all("/agree/" in text for text in emails.values_list("text", flat=True))
    assert AuditEvent.objects.filter(action=AuditAction.AUP_REQUESTS_SENT).count() == 1

    # Asking again sends nothing to those asked already.
    assert aup_requests_send(version_id=version.pk) == 0
    assert EmailDelivery.objects.filter(purpose="aup_request").count() == len(sent)


def test_the_parents_agreement_goes_to_parents_of_current_learners(cast: Cast) -> None:
    left = factories.learner(cast.organisation, first_name="Gone", left_on=date(2026, 7, 20))
    of_a_leaver = factories.guardian(cast.organisation, of=left)
    version = _publish(cast, Audience.PARENT)
    assert aup_requests_send(version_id=version.pk) >= 1
    asked = set(AupRequest.objects.values_list("guardian_id", "learner_id"))
    assert (cast.guardian.pk, None) in asked
    assert (of_a_leaver.pk, None) not in asked


def test_asking_is_refused_for_staff_unpublished_agreements_and_other_roles(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as staff:
        aup_requests_ask(actor=cast.dsl, audience=Audience.STAFF)
    assert "sign in" in staff.value.errors["audience"]
    with pytest.raises(ValidationFailed) as unpublished:
        aup_requests_ask(actor=cast.dsl, audience=Audience.PARENT)
    assert "publish" in unpublished.value.errors["audience"]
    _publish(cast, Audience.PARENT)
    with pytest.raises(PermissionDenied):
        aup_requests_ask(actor=cast.teacher, audience=Audience.PARENT)
    refused = signed_in(cast.teacher).post("/governance/agreements/ask/", {"audience": "parent"})
    assert refused.status_code == 403
    assert not AupRequest.objects.exists()
    assert not EmailDelivery.objects.filter(purpose="aup_request").exists()


def test_a_parent_signs_by_link_once_and_the_other_parents_link_stops(cast: Cast) -> None:
    second = factories.guardian(cast.organisation, of=cast.learner, full_name="Kit Marsh")
    version = _publish(cast, SECONDARY)
    aup_requests_send(version_id=version.pk)
    first_link = AupRequest.objects.get(learner=cast.learner, guardian=cast.guardian)
    second_link = AupRequest.objects.get(learner=cast.learner, guardian=second)

    page = Client().get(_sign_page(first_link))
    assert page.status_code == 200
    assert "I keep my camera on." in page.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.AUP_LINK_OPENED).count() == 1

    nameless = Client().post(_sign_page(first_link), {"signed_name": "  ", "agreed": "on"})
    assert nameless.status_code == 400
    assert not AupSignature.objects.exists()

    signed = Client().post(
        _sign_page(first_link), {"signed_name": cast.guardian.full_name, "agreed": "on"}
    )
    assert signed.status_code == 200
    assert "Thank you" in signed.content.decode()
    signature = AupSignature.objects.get()
    assert (signature.learner_id, signature.guardian_id, signature.user_id) == (
        cast.learner.pk,
        cast.guardian.pk,
        None,
    )
    assert signature.signed_name == cast.guardian.full_name
    event = AuditEvent.objects.get(action=AuditAction.AUP_SIGNED)
    assert json.loads(event.data)["learner"] == cast.learner.pk

    for link in (first_link, second_link):
        again = Client().post(_sign_page(link), {"signed_name": "Someone", "agreed": "on"})
        assert again.status_code == 410
        assert "already been signed" in again.content.decode()
    assert AupSignature.objects.count() == 1


def test_links_stop_when_forged_expired_or_replaced_by_a_new_version(cast: Cast) -> None:
    version = _publish(cast, Audience.PARENT)
    aup_requests_send(version_id=version.pk)
    link = AupRequest.objects.get(guardian=cast.guardian)
    token = agreement_token(link)
    assert Client().get(f"/agree/{token}x/").status_code == 404
    AupRequest.objects.filter(pk=link.pk).update(created_at=link.created_at - timedelta(days=31))
    assert Client().get(f"/agree/{token}/").status_code == 410
    AupRequest.objects.filter(pk=link.pk).update(created_at=link.created_at)
    _publish(cast, Audience.PARENT, text="Version two.")
    replaced = Client().post(f"/agree/{token}/", {"signed_name": "Pat", "agreed": "on"})
    assert replaced.status_code == 410
    assert "newer version" in replaced.content.decode()
    assert not AupSignature.objects.exists()
    # A version no longer in force sends nothing more.
    assert aup_requests_send(version_id=version.pk) == 0


def test_the_register_shows_who_agreed_and_reading_it_is_audited(cast: Cast) -> None:
    version = _publish(cast, SECONDARY)
    aup_requests_send(version_id=version.pk)
    dsl = signed_in(cast.dsl)
    page = dsl.get("/governance/agreements/?audience=learner_secondary")
    assert page.status_code == 200
    body = page.content.decode()
    assert cast.learner.full_name in body
    assert "0 of " in body
    viewed = AuditEvent.objects.get(action=AuditAction.AUP_REGISTER_VIEWED)
    assert json.loads(viewed.data)["audience"] == SECONDARY
    link = AupRequest.objects.get(learner=cast.learner)
    Client().post(_sign_page(link), {"signed_name": "Pat Alder", "agreed": "on"})
    agreed = dsl.get("/governance/agreements/?audience=learner_secondary&signed=yes")
    assert cast.learner.full_name in agreed.content.decode()
    not_yet = dsl.get("/governance/agreements/?audience=learner_secondary&signed=no")
    assert cast.learner.full_name not in not_yet.content.decode()
    assert signed_in(cast.teacher).get("/governance/agreements/?audience=parent").status_code == (
        403
    )


def test_a_sessions_page_shows_each_learners_agreement(cast: Cast) -> None:
    session = ended_session(cast)
    before = signed_in(cast.teacher).get(f"/sessions/{session.pk}/").content.decode()
    assert "Acceptable use agreements" not in before
    version = _publish(cast, SECONDARY)
    _publish(cast, Audience.PARENT)
    page = signed_in(cast.teacher).get(f"/sessions/{session.pk}/").content.decode()
    assert "Acceptable use agreements" in page
    assert "Not asked yet" in page
    aup_requests_send(version_id=version.pk)
    link = AupRequest.objects.get(learner=cast.learner)
    Client().post(_sign_page(link), {"signed_name": "Pat Alder", "agreed": "on"})
    page = signed_in(cast.teacher).get(f"/sessions/{session.pk}/").content.decode()
    assert f"Agreed to version {version.number}" in page
    assert "0 of 1" in page


def test_sending_nothing_for_a_system_version_still_needs_an_agreement(cast: Cast) -> None:
    version = aup_publish(
        actor=SYSTEM,
        organisation=cast.organisation,
        audience=PRIMARY,
        title="Our rules online",
        text="I ask a grown-up.",
    )
    # cast.learner is in key stage 3: nobody in key stages 1 and 2 here to ask.
    assert aup_requests_send(version_id=version.pk) == 0
    assert not AupRequest.objects.exists()

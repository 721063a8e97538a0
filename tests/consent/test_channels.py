"""Who is asked and by what route: a guardian without an email address, an address that bounces,
an adult learner who answers for themself, and people who cannot consent for a child."""

from datetime import date

import pytest
from django.test import Client

from chaperon.audit.actions import AuditAction
from chaperon.consent import services
from chaperon.consent.models import ConsentRequest, RequestStatus
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.models import EmailDelivery
from tests import factories
from tests.conftest import Cast, signed_in
from tests.mail_support import Mailbox

from .helpers import ALL_PURPOSES, audit_since, last_seq, links_in, send_request

pytestmark = [pytest.mark.django_db, pytest.mark.clause("SES-9")]


def test_a_guardian_without_an_email_address_is_listed_for_the_phone_or_paper_route(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    cast.guardian.email = ""
    cast.guardian.save()
    since = last_seq()
    client = signed_in(cast.teacher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/consent/learners/{cast.learner.pk}/send/",
            {"purposes": ALL_PURPOSES, "guardians": [cast.guardian.pk]},
            follow=True,
        )
    body = response.content.decode()
    assert "Morgan Alder has no email address, so nothing was sent" in body
    assert "Record consent given another way" in body
    assert "No email address: ask by phone or on paper" in body
    consent_request = ConsentRequest.objects.get()
    assert consent_request.status == RequestStatus.NEEDS_OTHER_CHANNEL
    assert consent_request.email_delivery is None
    assert smtp_server.messages == []
    assert not EmailDelivery.objects.exists()
    [event] = audit_since(since, AuditAction.CONSENT_REQUEST_NEEDS_OTHER_CHANNEL)
    assert event.actor_id == cast.teacher.pk


def test_a_bounced_email_shows_on_the_overview(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    cast.guardian.email = "morgan@bounces.example"
    cast.guardian.save()
    cast.learner.year_group = "Year 8"
    cast.learner.save()
    with django_capture_on_commit_callbacks(execute=True):
        send_request(cast.teacher, cast.learner)
    consent_request = ConsentRequest.objects.select_related("email_delivery").get()
    assert consent_request.email_delivery is not None
    assert consent_request.email_delivery.status == "refused"
    assert smtp_server.messages == []
    client = signed_in(cast.teacher)
    learner_page = client.get(f"/consent/learners/{cast.learner.pk}/").content.decode()
    group_page = client.get("/consent/groups/", {"year_group": "Year 8"}).content.decode()
    for page in (learner_page, group_page):
        assert "Email bounced: check the address, or ask by phone or on paper" in page


def test_only_guardians_with_parental_responsibility_are_asked_for_a_child(cast: Cast) -> None:
    carer = factories.guardian(
        cast.organisation,
        of=cast.learner,
        full_name="Pat Alder",
        relationship="grandparent",
        parental_responsibility=False,
    )
    sent = services.consent_request_send(
        actor=cast.teacher, learner=cast.learner, purposes=ALL_PURPOSES
    )
    assert [r.guardian for r in sent] == [cast.guardian]
    with pytest.raises(ValidationFailed) as refused:
        services.consent_request_send(
            actor=cast.teacher,
            learner=cast.learner,
            purposes=ALL_PURPOSES,
            guardian_ids=[carer.pk],
        )
    assert "parental responsibility" in str(refused.value)
    assert ConsentRequest.objects.count() == 1


def test_a_carer_of_an_adult_at_risk_is_asked(cast: Cast) -> None:
    adult = factories.learner(
        cast.organisation, first_name="Sky", date_of_birth=date(1990, 1, 1), adult_at_risk=True
    )
    carer = factories.guardian(
        cast.organisation, of=adult, relationship="carer", parental_responsibility=False
    )
    [consent_request] = services.consent_request_send(
        actor=cast.teacher, learner=adult, purposes=["live_group"]
    )
    assert consent_request.guardian == carer
    assert not consent_request.to_learner


def test_a_learner_with_nobody_to_ask_is_refused_with_what_to_do(cast: Cast) -> None:
    alone = factories.learner(cast.organisation, first_name="Ash")
    response = signed_in(cast.teacher).post(
        f"/consent/learners/{alone.pk}/send/", {"purposes": ALL_PURPOSES}
    )
    assert response.status_code == 400
    assert "Choose at least one person to ask." in response.content.decode()
    with pytest.raises(ValidationFailed) as refused:
        services.consent_request_send(actor=cast.teacher, learner=alone, purposes=ALL_PURPOSES)
    assert "Record one on the learner's page first" in str(refused.value)
    assert not ConsentRequest.objects.exists()


def test_an_adult_learner_answers_for_themself_at_the_address_staff_give(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    adult = factories.learner(
        cast.organisation, first_name="Jo", last_name="Vale", date_of_birth=date(2001, 3, 4)
    )
    factories.guardian(cast.organisation, of=adult, full_name="Lee Vale")
    client = signed_in(cast.teacher)
    page = client.get(f"/consent/learners/{adult.pk}/").content.decode()
    assert "An adult learner answers for themself." in page
    assert "Lee Vale" not in page.split("Ask for consent")[1].split("</form>")[0]

    refused = client.post(f"/consent/learners/{adult.pk}/send/", {"purposes": ["live_group"]})
    assert refused.status_code == 400
    assert not ConsentRequest.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/consent/learners/{adult.pk}/send/",
            {"purposes": ["live_group", "recording"], "learner_email": "Jo.Vale@home.example"},
        )
    consent_request = ConsentRequest.objects.get()
    assert consent_request.to_learner and consent_request.guardian is None
    assert consent_request.recipient_email == "jo.vale@home.example"
    [message] = smtp_server.to("jo.vale@home.example")
    assert "asks for your consent to take part in online sessions" in message.get_content()
    answer = Client().get(links_in(message)["answer"])
    assert "Consent for Jo Vale" in answer.content.decode()


def test_an_adult_learners_own_address_on_record_is_used_when_none_is_typed(
    cast: Cast,
) -> None:
    adult = factories.learner(
        cast.organisation,
        first_name="Kit",
        date_of_birth=date(2000, 1, 1),
        email="kit@home.example",
    )
    consent_request = send_request(cast.teacher, adult, ["live_group"])
    assert consent_request.recipient_email == "kit@home.example"

"""Email that could not be sent is shown to staff (LOG-1): on the page that asked for it, on
the organisation's email page and on the dashboard of those who see that page."""

import pytest
from django.test import Client

from chaperon.concerns import services as concern_services
from chaperon.consent.services import consent_request_send
from chaperon.core.email_queue import queue_email
from chaperon.core.models import DeliveryStatus, EmailDelivery
from chaperon.people.models import Learner
from tests.conftest import Cast, signed_in
from tests.mail_support import Mailbox

pytestmark = [pytest.mark.django_db, pytest.mark.clause("LOG-1")]


def _consent_request_for_a_name_with_a_line_break(cast: Cast, callbacks) -> EmailDelivery:
    # A name kept from before names were checked at entry (an old import, say).
    Learner.objects.filter(pk=cast.learner.pk).update(first_name="Tern\r\nBcc: x@elsewhere.example")
    cast.learner.refresh_from_db()
    with callbacks(execute=True):
        [sent] = consent_request_send(
            actor=cast.teacher, learner=cast.learner, purposes=["recording"]
        )
    assert sent.email_delivery is not None
    return EmailDelivery.objects.get(pk=sent.email_delivery.pk)


def test_a_consent_request_that_could_not_be_emailed_says_so_everywhere(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    delivery = _consent_request_for_a_name_with_a_line_break(
        cast, django_capture_on_commit_callbacks
    )
    assert delivery.status == DeliveryStatus.INVALID
    assert smtp_server.messages == []

    learner_page = signed_in(cast.teacher).get(f"/consent/learners/{cast.learner.pk}/")
    body = learner_page.content.decode()
    assert "Email could not be sent: check the name and address" in body
    assert "Waiting for an answer" not in body

    email_page = signed_in(cast.dsl).get("/email/").content.decode()
    attention = email_page.split("<h2>Could not be sent</h2>", 1)[1].split("<h2>", 1)[0]
    assert cast.guardian.email in attention
    assert "Header values may not contain linefeed or carriage return" in attention

    dashboard = signed_in(cast.dsl).get("/", follow=True).content.decode()
    assert "1 email could not be sent" in dashboard


def test_sent_email_is_listed_but_raises_nothing(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(
            to="parent@home.example",
            subject="Your invitation",
            text="Join.",
            purpose="session_invitation",
            organisation_id=cast.organisation.pk,
        )
    page = signed_in(cast.dsl).get("/email/").content.decode()
    assert "Every email was sent or is on its way." in page
    assert "Your invitation" in page.split("<h2>Latest</h2>", 1)[1]
    assert "could not be sent" not in signed_in(cast.dsl).get("/", follow=True).content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("dsl", 200),
        ("deputy", 200),
        ("admin", 200),
        ("slt", 403),
        ("teacher", 403),
        ("board", 403),
        ("ict", 403),
    ],
)
def test_who_may_see_the_email_page(cast: Cast, who: str, status: int) -> None:
    assert signed_in(cast.user(who)).get("/email/").status_code == status


def test_nobody_sees_another_organisations_email(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    _consent_request_for_a_name_with_a_line_break(cast, django_capture_on_commit_callbacks)
    page = signed_in(cast.outsider).get("/email/").content.decode()
    assert cast.guardian.email not in page and "Tern" not in page
    assert (
        "could not be sent" not in signed_in(cast.outsider).get("/", follow=True).content.decode()
    )
    assert Client().get("/email/").status_code == 302


@pytest.mark.clause("INC-10")
def test_email_about_an_allegation_is_listed_only_for_those_who_may_open_the_case(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        allegation = concern_services.concern_raise(
            actor=cast.teacher2,
            organisation=cast.organisation,
            kind="allegation",
            subject_staff=cast.teacher,
            description="Terry messaged a pupil from a personal account late at night.",
        )
    alerts = EmailDelivery.objects.filter(object_id=str(allegation.pk), purpose="concern_alert")
    assert alerts.exists()
    for who, sees in (("dsl", True), ("deputy", False), ("admin", False)):
        page = signed_in(cast.user(who)).get("/email/").content.decode()
        assert (allegation.reference in page) is sees, who

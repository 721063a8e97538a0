"""Raising a concern: by staff, from the public page and from a session; the DSL and deputies
told at once, senior leaders too out of hours (INC-1, INC-7)."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from chaperon.audit.models import AuditEvent
from chaperon.concerns import services
from chaperon.concerns.models import Concern, ConcernEntry
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.core.models import EmailDelivery
from chaperon.sessions.invitations import join_token
from chaperon.sessions.models import Invitation, Session
from tests import factories
from tests.conftest import Cast, signed_in
from tests.mail_support import Mailbox, text_of

from .helpers import always_in_hours, never_in_hours, public_concern

pytestmark = [pytest.mark.django_db, pytest.mark.clause("INC-1")]


def test_a_public_report_gets_a_reference_per_organisation_and_year(cast: Cast) -> None:
    year = timezone.now().year
    first = public_concern(cast.organisation)
    second = public_concern(cast.organisation)
    elsewhere = public_concern(cast.other_organisation)
    assert first.reference == f"SG-{year}-0001"
    assert second.reference == f"SG-{year}-0002"
    assert elsewhere.reference == f"SG-{year}-0001"
    assert first.source == "public" and first.raised_by is None
    raised = AuditEvent.objects.get(action="concern_raised", object_id=str(first.pk))
    assert raised.actor_label == "Public report page"


def test_in_hours_the_dsl_and_deputies_are_emailed_at_once(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    always_in_hours(cast.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        concern = public_concern(cast.organisation)
    assert {str(m["To"]) for m in smtp_server.messages} == {cast.dsl.email, cast.deputy.email}
    [message] = smtp_server.to(cast.dsl.email)
    body = text_of(message)
    assert concern.reference in str(message["Subject"])
    assert reverse("concerns:detail", args=[concern.pk]) in body
    # The email says where to read it, not what happened or who it is about.
    assert "photos" not in body and "Pat Meadow" not in body
    alerted = concern.entries.get(kind="alerted")
    assert alerted.data["in_hours"] is True


def test_out_of_hours_senior_leaders_are_told_too(cast: Cast) -> None:
    never_in_hours(cast.organisation)
    concern = public_concern(cast.organisation)
    told = set(EmailDelivery.objects.filter(purpose="concern_alert").values_list("to", flat=True))
    assert told == {cast.dsl.email, cast.deputy.email, cast.slt.email}
    assert concern.entries.get(kind="alerted").data["in_hours"] is False


@pytest.mark.clause("INC-7")
def test_today_is_the_organisations_today_not_utcs(cast: Cast, monkeypatch) -> None:
    # 23:30 UTC on 14 July is 00:30 on the 15th in London: a worry dated the 15th is today's.
    late = datetime(2026, 7, 14, 23, 30, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: late)
    concern = public_concern(cast.organisation, occurred_on=late.date() + timedelta(days=1))
    assert concern.occurred_on == date(2026, 7, 15)
    with pytest.raises(ValidationFailed) as refused:
        public_concern(cast.organisation, occurred_on=late.date() + timedelta(days=2))
    assert refused.value.errors == {"occurred_on": "the date cannot be in the future"}
    assert Concern.objects.count() == 1


def test_staff_raise_with_the_four_cs_and_types(cast: Cast) -> None:
    concern = services.concern_raise(
        actor=cast.teacher,
        organisation=cast.organisation,
        learner=cast.learner,
        description="Robin said an older player asked to move to a private chat.",
        category="contact",
        types=["grooming", "cyberbullying"],
    )
    assert concern.source == "staff" and concern.raised_by == cast.teacher
    assert concern.type_labels == ["Grooming", "Cyberbullying"]
    raised = concern.entries.get(kind="raised")
    assert raised.data["category"] == "contact" and raised.data["learner_id"] == cast.learner.pk


def test_a_report_without_a_description_is_refused_and_nothing_is_kept(cast: Cast) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        public_concern(cast.organisation, description="help", category="nonsense")
    assert set(refused.value.errors) == {"description", "category"}
    assert not Concern.objects.exists() and not EmailDelivery.objects.exists()
    assert AuditEvent.objects.count() == before


def test_someone_without_a_staff_role_cannot_raise_as_staff(cast: Cast) -> None:
    learner_user = factories.staff(cast.organisation, name="No Roles")
    with pytest.raises(PermissionDenied):
        services.concern_raise(
            actor=learner_user, organisation=cast.organisation, description="x" * 20
        )
    with pytest.raises(PermissionDenied):
        services.concern_raise(
            actor=cast.outsider, organisation=cast.organisation, description="x" * 20
        )
    assert not Concern.objects.exists()


def _session_with_invitations(cast: Cast) -> Session:
    session = Session.objects.create(
        organisation=cast.organisation,
        organiser=cast.teacher,
        kind="one_to_one",
        title="Careers conversation",
        start=timezone.now() - timedelta(minutes=10),
        duration_minutes=30,
        status="open",
    )
    session.learners.add(cast.learner)
    session.staff.add(cast.teacher)
    Invitation.objects.create(
        session=session,
        role="guardian",
        person_id=cast.guardian.pk,
        display_name=cast.guardian.full_name,
        email=cast.guardian.email,
    )
    return session


def test_leave_and_report_ties_the_concern_to_the_session_and_the_reporter(cast: Cast) -> None:
    session = _session_with_invitations(cast)
    invitation = Invitation.objects.get(session=session)
    response = signed_in(cast.outsider).post(  # signed in or not, the token is the key
        reverse("report:from_invitation", args=[join_token(invitation)]),
        {
            "kind": "concern",
            "category": "conduct",
            "description": "Someone else appeared on camera behind the adviser.",
        },
    )
    assert response.status_code == 200
    concern = Concern.objects.get()
    assert concern.session == session and concern.source == "invitation"
    assert concern.reporter_name == "Morgan Alder" and concern.reporter_relation == "parent"
    assert concern.learner == cast.learner  # their only child in the session
    assert concern.reference in response.content.decode()


def test_a_forged_session_link_reports_nothing(cast: Cast, client) -> None:
    session = _session_with_invitations(cast)
    token = join_token(Invitation.objects.get(session=session))
    response = client.post(
        reverse("report:from_invitation", args=[token[:-1] + ("1" if token[-1] == "0" else "0")]),
        {"kind": "concern", "category": "conduct", "description": "x" * 30},
    )
    assert response.status_code == 404
    assert not Concern.objects.exists()


def test_staff_form_prefills_the_learner_and_the_session(cast: Cast) -> None:
    session = _session_with_invitations(cast)
    client = signed_in(cast.teacher)
    page = client.get(reverse("concerns:new") + f"?session={session.pk}&learner={cast.learner.pk}")
    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(rf'name="learner" value="{cast.learner.pk}" id="[^"]*" checked>', html)
    assert "Careers conversation" in html
    assert "https://www.ceop.police.uk/Safety-Centre/" in html
    response = client.post(
        reverse("concerns:new") + f"?session={session.pk}",
        {
            "kind": "concern",
            "learner": cast.learner.pk,
            "category": "content",
            "types": ["violence"],
            "description": "A violent clip was shared in the chat during the session.",
            "material_location": "The session chat, 10:15",
            "seen_by": "The whole group",
        },
    )
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.session == session and concern.learner == cast.learner
    assert concern.material_location == "The session chat, 10:15"
    mine = client.get(response["Location"]).content.decode()
    assert concern.reference in mine and "Received by the safeguarding team" in mine
    assert "violent clip" not in mine  # the one who raised it sees that it arrived, not the case


def test_every_staff_page_offers_report_a_concern(cast: Cast) -> None:
    for user in (cast.teacher, cast.ict, cast.board):
        html = signed_in(user).get(reverse("people:dashboard")).content.decode()
        assert reverse("concerns:new") in html
    assert ConcernEntry.objects.count() == 0

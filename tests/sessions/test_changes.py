"""Changing a booked session to fix what the policy found (REC-4, SES-4, SES-10): re-checked on
save, audited, and everyone added, kept or taken off told."""

import base64
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from django.test import Client

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.consent.services.agreements import staff_recording_consent_answer
from chaperon.consent.services.answers import consent_withdraw
from chaperon.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from chaperon.core.models import EmailDelivery
from chaperon.people import services as people_services
from chaperon.people.models import Learner
from chaperon.sessions import services
from chaperon.sessions.invitations import join_token
from chaperon.sessions.models import Invitation, Session, SessionStatus
from chaperon.sessions.services import SessionChange, session_change
from tests import factories
from tests.conftest import Cast, signed_in
from tests.sessions.helpers import consent_for, group, one_to_one


def recorded_session(cast: Cast) -> Session:
    """A recorded 1:1, booked with everyone's consent to record it."""
    consent_for(cast.learner, cast.dsl, recording=True)
    staff_recording_consent_answer(actor=cast.teacher, answer="given")
    result = services.session_book(
        actor=cast.teacher,
        proposal=one_to_one(
            cast, recording_enabled=True, recording_purpose="Reviewing the coaching"
        ),
        title="Careers",
    )
    assert result.booked and result.session is not None
    return result.session


def withdraw_recording_consent(cast: Cast, session: Session) -> None:
    consent_withdraw(
        actor=cast.dsl,
        learner=cast.learner,
        purposes=["recording"],
        withdrawn_by_name="Morgan Alder",
        channel="phone",
        reason="Would rather not",
    )
    services.recheck_sessions(services.upcoming_sessions(pk=session.pk), why="consent changed")
    session.refresh_from_db()
    assert session.flagged
    assert "consent.recording" in {finding["rule"] for finding in session.findings}


def changed(session: Session, **fields: Any) -> SessionChange:
    current = SessionChange.of(session)
    return replace(current, **fields)


def emails(purpose: str) -> set[str]:
    return {delivery.to for delivery in EmailDelivery.objects.filter(purpose=purpose)}


@pytest.mark.clause("REC-4")
def test_the_organiser_turns_recording_off_and_the_flagged_session_is_allowed_again(
    cast: Cast,
) -> None:
    session = recorded_session(cast)
    withdraw_recording_consent(cast, session)

    result = session_change(
        actor=cast.teacher, session=session, change=changed(session, recording_enabled=False)
    )

    assert result.changed and result.fields == (
        "recording_enabled",
        "recording_purpose",
        "recording_alternative",
        "recording_need",
    )
    session.refresh_from_db()
    assert not session.recording_enabled and session.recording_purpose == ""
    assert session.recording_alternative == "" and session.recording_need == ""
    assert not session.flagged and session.last_verdict["decision"] == "allow"
    assert session.status == SessionStatus.BOOKED and session.ical_sequence == 1
    event = AuditEvent.objects.get(action=AuditAction.SESSION_CHANGED)
    assert (event.actor_id, event.details["fields"]) == (
        cast.teacher.pk,
        ["recording_enabled", "recording_purpose", "recording_alternative", "recording_need"],
    )
    assert AuditEvent.objects.filter(action=AuditAction.SESSION_CLEARED).exists()
    assert emails("session_update") == {cast.teacher.email, cast.guardian.email}


@pytest.mark.clause("SES-4")
def test_a_change_the_policy_refuses_changes_nothing(cast: Cast) -> None:
    classmate = factories.learner(cast.organisation, first_name="Sasha", last_name="Birch")
    factories.guardian(cast.organisation, of=classmate, full_name="Jo Birch")
    for learner in (cast.learner, classmate):
        consent_for(learner, cast.dsl)
    session = services.session_book(
        actor=cast.teacher, proposal=group(cast, [cast.learner, classmate]), title="Revision"
    ).session
    assert session is not None
    events, sent = AuditEvent.objects.count(), EmailDelivery.objects.count()

    result = session_change(
        actor=cast.teacher, session=session, change=changed(session, other_staff=[])
    )

    assert not result.changed
    assert "attendance.two_staff" in {finding.rule for finding in result.verdict.findings}
    assert set(session.staff.all()) == {cast.teacher, cast.teacher2}
    assert (AuditEvent.objects.count(), EmailDelivery.objects.count()) == (events, sent)


@pytest.mark.clause("SES-10")
def test_a_flagged_session_may_be_changed_when_nothing_gets_worse(cast: Cast) -> None:
    session = recorded_session(cast)
    withdraw_recording_consent(cast, session)
    people_services.staff_update(
        actor=cast.dsl, staff=factories.staff_member(cast.teacher), dbs_checked_on=date(2020, 1, 6)
    )
    services.recheck_sessions(services.upcoming_sessions(pk=session.pk), why="DBS lapsed")

    result = session_change(
        actor=cast.teacher, session=session, change=changed(session, recording_enabled=False)
    )

    assert result.changed
    session.refresh_from_db()
    assert not session.recording_enabled and session.flagged
    assert {finding["rule"] for finding in session.findings if finding["outcome"] == "block"} == {
        "staff.dbs"
    }
    # Recording back on with a purpose no-one consented to would make it worse: refused.
    worse = session_change(
        actor=cast.teacher,
        session=session,
        change=changed(
            session,
            recording_enabled=True,
            recording_purpose="Training",
            recording_alternative="notes",
            recording_need="Notes would not show how the coaching went.",
        ),
    )
    assert not worse.changed
    session.refresh_from_db()
    assert not session.recording_enabled


def test_learners_added_are_invited_and_those_taken_off_lose_their_link(cast: Cast) -> None:
    newcomer = factories.learner(cast.organisation, first_name="Sasha", last_name="Birch")
    newcomer_guardian = factories.guardian(cast.organisation, of=newcomer, full_name="Jo Birch")
    for learner in (cast.learner, newcomer):
        consent_for(learner, cast.dsl)
    session = services.session_book(
        actor=cast.teacher, proposal=one_to_one(cast), title="Careers"
    ).session
    assert session is not None
    old = Invitation.objects.get(session=session, role=Invitation.Role.GUARDIAN)
    old_link = f"/sessions/join/{join_token(old)}/"
    assert Client().get(old_link).status_code == 200
    EmailDelivery.objects.all().delete()

    result = session_change(
        actor=cast.teacher,
        session=session,
        change=changed(session, learners=[newcomer], named_adult="Jo Birch"),
    )

    assert result.changed
    assert list(session.learners.all()) == [newcomer]
    assert emails("session_invitation") == {newcomer_guardian.email}
    assert emails("session_invitation_withdrawn") == {cast.guardian.email}
    assert emails("session_update") == {cast.teacher.email}
    [withdrawn] = EmailDelivery.objects.filter(purpose="session_invitation_withdrawn")
    assert "no longer taking part" in withdrawn.text
    [calendar] = withdrawn.attachments
    assert b"METHOD:CANCEL" in base64.b64decode(calendar["content_base64"])
    old.refresh_from_db()
    assert old.withdrawn_at is not None
    assert Client().get(old_link).status_code == 404
    guardians = Invitation.objects.filter(session=session, role=Invitation.Role.GUARDIAN)
    assert [invitation.email for invitation in guardians] == [newcomer_guardian.email]


@pytest.mark.parametrize("name", ["teacher2", "ict", "outsider"])
def test_only_the_organiser_and_those_who_oversee_change_a_session(cast: Cast, name: str) -> None:
    session = recorded_session(cast)
    with pytest.raises((PermissionDenied, NotFound)):
        session_change(
            actor=cast.user(name), session=session, change=changed(session, recording_enabled=False)
        )
    session.refresh_from_db()
    assert session.recording_enabled
    assert not AuditEvent.objects.filter(action=AuditAction.SESSION_CHANGED).exists()


def test_a_cancelled_session_cannot_be_changed(cast: Cast) -> None:
    session = recorded_session(cast)
    services.session_cancel(actor=cast.teacher, session=session, reason="Unwell")
    with pytest.raises(ValidationFailed, match="only a booked session"):
        session_change(
            actor=cast.dsl, session=session, change=changed(session, recording_enabled=False)
        )
    session.refresh_from_db()
    assert session.recording_enabled


# The pages ---------------------------------------------------------------------------------


@pytest.mark.clause("REC-4")
def test_each_fix_on_a_flagged_session_links_to_the_page_that_does_it(cast: Cast) -> None:
    session = recorded_session(cast)
    withdraw_recording_consent(cast, session)
    page = signed_in(cast.teacher).get(f"/sessions/{session.pk}/").content.decode()
    assert f'href="/sessions/{session.pk}/change/#recording">Turn recording off</a>' in page
    assert f'href="/consent/learners/{cast.learner.pk}/"' in page

    change_page = signed_in(cast.teacher).get(f"/sessions/{session.pk}/change/")
    body = change_page.content.decode()
    assert change_page.status_code == 200
    assert 'id="recording"' in body and 'name="recording_enabled"' in body


@pytest.mark.clause("REC-4")
def test_recording_is_turned_off_from_the_change_page(cast: Cast) -> None:
    session = recorded_session(cast)
    withdraw_recording_consent(cast, session)
    response = signed_in(cast.teacher).post(
        f"/sessions/{session.pk}/change/",
        {
            "learners": [cast.learner.pk],
            "named_adult": "Morgan Alder",
            "taking_part": "video",
            "conversation_plan": "Careers options and next steps.",
            "crisis_plan": "Call the DSL; the named adult stays near.",
            "guardians_may_drop_in": "on",
            "platform": "builtin",
            "recording_purpose": "Reviewing the coaching",
            "recording_alternative": "observer",
            "recording_need": "The learner asked to watch it back.",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert not session.recording_enabled and not session.flagged


def test_the_change_page_is_not_found_for_staff_who_do_not_run_the_session(cast: Cast) -> None:
    session = recorded_session(cast)
    assert signed_in(cast.teacher2).get(f"/sessions/{session.pk}/change/").status_code == 404
    assert signed_in(cast.outsider).get(f"/sessions/{session.pk}/change/").status_code == 404


def test_the_learner_list_shows_only_the_chosen_and_those_searched_for(cast: Cast) -> None:
    """A school of thousands: the page never lists them all; a search finds the one."""
    for number in range(30):
        factories.learner(cast.organisation, first_name="Pupil", last_name=f"Number{number}")
    factories.learner(cast.organisation, first_name="Quinn", last_name="Hawthorn")
    client = signed_in(cast.teacher)

    page = client.get("/sessions/book/").content.decode()
    assert "Pupil" not in page and "Hawthorn" not in page
    assert 'name="learners-search"' in page

    found = client.post(
        "/sessions/book/",
        {"title": "Careers", "learners-search": "hawth", "search": "learners"},
    )
    body = found.content.decode()
    assert found.status_code == 200
    hawthorn = Learner.objects.get(last_name="Hawthorn")
    assert f'value="{hawthorn.pk}"' in body and "Quinn Hawthorn" in body
    assert "Pupil" not in body
    assert 'value="Careers"' in body  # what was typed is kept
    assert "There is a problem" not in body  # a search is not a refused booking


@pytest.mark.clause("SES-10")
def test_a_lapsed_dbs_check_links_the_dsl_to_the_page_that_records_it(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    consent_for(cast.learner, cast.dsl)
    session = services.session_book(
        actor=cast.teacher, proposal=one_to_one(cast), title="Careers"
    ).session
    assert session is not None
    member = factories.staff_member(cast.teacher)
    people_services.staff_update(actor=cast.dsl, staff=member, dbs_checked_on=date(2020, 1, 6))
    services.recheck_sessions(services.upcoming_sessions(pk=session.pk), why="DBS lapsed")
    session.refresh_from_db()
    assert session.flagged

    checks = f"/staff/{member.pk}/checks/"
    page = signed_in(cast.dsl).get(f"/sessions/{session.pk}/").content.decode()
    assert f'href="{checks}"' in page
    # The teacher, who may not record checks, is not sent there.
    assert checks not in signed_in(cast.teacher).get(f"/sessions/{session.pk}/").content.decode()

    today = date.today().isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(cast.dsl).post(
            checks,
            {
                "dbs_checked_on": today,
                "dbs_type": "enhanced_barred",
                "safeguarding_training_on": today,
                "aup_signed_on": today,
            },
        )
    session.refresh_from_db()
    assert not session.flagged

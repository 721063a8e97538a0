"""Leavers. A member of staff who leaves: their sign-in stops at once (pages and API tokens),
the sessions they organise are cancelled with the reason sent to everyone invited, they are
taken off the sessions they were to join (which are judged again), and their records are kept.
A learner who leaves: nobody can book them again, a session that was theirs alone is cancelled
and they are taken off the others; their records are kept."""

from datetime import timedelta

import pytest
from django.test import Client

from chaperon.accounts.services import api_token_create
from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.actors import SYSTEM
from chaperon.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from chaperon.people.models import StaffMember
from chaperon.people.privileges import NeedsSafeguardingLead
from chaperon.people.selectors import compliance_summary_for
from chaperon.people.services import learner_mark_left, staff_mark_left
from chaperon.sessions import services as sessions
from chaperon.sessions.models import Session, SessionStatus
from chaperon.sessions.services.leavers import LEARNER_LEFT_REASON, LEFT_REASON
from tests import factories
from tests.conftest import Cast, signed_in
from tests.mail_support import Mailbox, subject_of, text_of
from tests.sessions.helpers import consent_for, group, next_weekday_at, one_to_one


def _left(cast: Cast, user, capture, *, actor=None) -> StaffMember:
    with capture(execute=True):
        return staff_mark_left(actor=actor or cast.dsl, staff=factories.staff_member(user))


def _book(cast: Cast, proposal, title: str) -> Session:
    result = sessions.session_book(actor=cast.teacher, proposal=proposal, title=title)
    assert result.session is not None, result.verdict
    return result.session


def test_a_leaver_can_no_longer_sign_in_or_use_a_token(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    client = signed_in(cast.teacher)
    _token, secret = api_token_create(actor=cast.teacher, name="timetable sync")
    assert client.get("/dashboard/").status_code == 200
    assert Client().get("/api/staff", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    left = _left(cast, cast.teacher, django_capture_on_commit_callbacks)
    assert left.left_on == cast.organisation.today()
    cast.teacher.refresh_from_db()
    assert not cast.teacher.is_active
    answer = client.get("/dashboard/")
    assert answer.status_code == 302
    assert "/accounts/sign-in/" in answer["Location"]
    api = Client().get("/api/staff", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 401
    [event] = AuditEvent.objects.filter(action=AuditAction.STAFF_LEFT)
    assert event.details["roles"] == ["teacher"]


def test_their_sessions_stop_and_everyone_invited_is_told(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    consent_for(cast.learner, cast.dsl)
    organised = _book(cast, one_to_one(cast), "Careers chat")
    joined = _book(
        cast,
        group(cast, [cast.learner], start=next_weekday_at(11, weekday=2, weeks=2)),
        "Revision group",
    )
    assert joined.flagged is False
    _left(cast, cast.teacher2, django_capture_on_commit_callbacks)  # joins the group only
    joined.refresh_from_db()
    assert list(joined.staff.all()) == [cast.teacher]
    assert joined.flagged  # a group needs two staff (SES-4): its organiser and the DSL are told
    assert joined.status == SessionStatus.BOOKED
    organised.refresh_from_db()
    assert organised.status == SessionStatus.BOOKED  # not theirs

    _left(cast, cast.teacher, django_capture_on_commit_callbacks)
    organised.refresh_from_db()
    joined.refresh_from_db()
    assert organised.status == joined.status == SessionStatus.CANCELLED
    assert organised.cancel_reason == LEFT_REASON
    cancelled = [
        message
        for message in smtp_server.to(cast.guardian.email)
        if subject_of(message).startswith("Cancelled")
    ]
    assert len(cancelled) == 2
    assert LEFT_REASON in text_of(cancelled[0])


def test_past_sessions_and_records_are_kept(cast: Cast, django_capture_on_commit_callbacks):
    consent_for(cast.learner, cast.dsl)
    session = _book(cast, one_to_one(cast), "Careers chat")
    Session.objects.filter(pk=session.pk).update(start=session.start - timedelta(days=30))
    _left(cast, cast.teacher, django_capture_on_commit_callbacks)
    session.refresh_from_db()
    assert session.status == SessionStatus.BOOKED  # history is not rewritten
    assert StaffMember.objects.filter(user=cast.teacher).exists()


def test_leavers_are_not_counted_among_the_staff_to_keep_checked(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    before = compliance_summary_for(cast.dsl)["staff"]
    _left(cast, cast.teacher, django_capture_on_commit_callbacks)
    assert compliance_summary_for(cast.dsl)["staff"] == before - 1


def test_only_those_who_manage_staff_mark_a_leaver_and_nothing_changes_otherwise(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    for actor in (cast.deputy, cast.teacher2, cast.board):
        with pytest.raises(PermissionDenied):
            _left(cast, cast.teacher, django_capture_on_commit_callbacks, actor=actor)
    cast.teacher.refresh_from_db()
    assert cast.teacher.is_active
    assert factories.staff_member(cast.teacher).left_on is None


def test_an_administrator_cannot_mark_the_dsl_as_left(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    with pytest.raises(NeedsSafeguardingLead):
        _left(cast, cast.dsl, django_capture_on_commit_callbacks, actor=cast.admin)
    cast.dsl.refresh_from_db()
    assert cast.dsl.is_active
    assert AuditEvent.objects.filter(action=AuditAction.STAFF_CHANGE_REFUSED).count() == 1
    assert not AuditEvent.objects.filter(action=AuditAction.STAFF_LEFT).exists()


def test_nobody_marks_themselves_as_left(cast: Cast, django_capture_on_commit_callbacks):
    with pytest.raises(NeedsSafeguardingLead, match="nobody marks themselves"):
        _left(cast, cast.admin, django_capture_on_commit_callbacks, actor=cast.admin)
    cast.admin.refresh_from_db()
    assert cast.admin.is_active


def test_a_day_to_come_or_leaving_twice_is_refused(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    staff = factories.staff_member(cast.teacher)
    with pytest.raises(ValidationFailed) as refused:
        staff_mark_left(
            actor=cast.dsl, staff=staff, left_on=cast.organisation.today() + timedelta(days=1)
        )
    assert "last day" in refused.value.errors["left_on"]
    cast.teacher.refresh_from_db()
    assert cast.teacher.is_active
    _left(cast, cast.teacher, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationFailed, match="already"):
        staff_mark_left(actor=SYSTEM, staff=staff)
    assert AuditEvent.objects.filter(action=AuditAction.STAFF_LEFT).count() == 1


def test_the_page_marks_a_leaver_and_refuses_a_teacher(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    staff = factories.staff_member(cast.teacher2)
    refused = signed_in(cast.teacher).post(
        f"/staff/{staff.pk}/left/", {"left_on": cast.organisation.today(), "understood": "on"}
    )
    assert refused.status_code == 403
    client = signed_in(cast.dsl)
    unconfirmed = client.post(f"/staff/{staff.pk}/left/", {"left_on": cast.organisation.today()})
    assert unconfirmed.status_code == 400
    assert "Tick this to confirm" in unconfirmed.content.decode()
    cast.teacher2.refresh_from_db()
    assert cast.teacher2.is_active
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            f"/staff/{staff.pk}/left/",
            {"left_on": cast.organisation.today(), "understood": "on"},
        )
    assert done.status_code == 302
    cast.teacher2.refresh_from_db()
    assert not cast.teacher2.is_active
    page = client.get(f"/staff/{staff.pk}/").content.decode()
    assert "can no longer sign in" in page
    assert "Mark as left" not in page


# Learners -----------------------------------------------------------------------------------


def _learner_left(cast: Cast, learner, capture, *, actor=None):
    with capture(execute=True):
        return learner_mark_left(actor=actor or cast.dsl, learner=learner)


def test_a_learner_who_left_is_taken_off_their_sessions_and_cannot_be_booked(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    sibling = factories.learner(cast.organisation, first_name="Sky", last_name="Alder")
    factories.guardian(cast.organisation, of=sibling, full_name="Morgan Alder")
    consent_for(cast.learner, cast.dsl)
    consent_for(sibling, cast.dsl)
    alone = _book(cast, one_to_one(cast), "Careers chat")
    shared = _book(
        cast,
        group(cast, [cast.learner, sibling], start=next_weekday_at(11, weekday=2, weeks=2)),
        "Revision group",
    )
    _learner_left(cast, cast.learner, django_capture_on_commit_callbacks)
    alone.refresh_from_db()
    shared.refresh_from_db()
    assert alone.status == SessionStatus.CANCELLED
    assert alone.cancel_reason == LEARNER_LEFT_REASON
    assert shared.status == SessionStatus.BOOKED
    assert list(shared.learners.all()) == [sibling]
    assert any(
        subject_of(message).startswith("Cancelled")
        for message in smtp_server.to(cast.guardian.email)
    )
    with pytest.raises(ValidationFailed) as refused:
        sessions.session_book(
            actor=cast.teacher,
            proposal=one_to_one(cast, start=next_weekday_at(10, weeks=3)),
            title="Careers chat",
        )
    assert "left the organisation" in refused.value.errors["learners"]
    assert list(Session.objects.filter(learners=cast.learner)) == [alone]  # nothing new booked
    [event] = AuditEvent.objects.filter(action=AuditAction.LEARNER_LEFT)
    assert event.details["left_on"] == cast.organisation.today().isoformat()


def test_a_member_of_staff_who_left_cannot_be_booked_either(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    consent_for(cast.learner, cast.dsl)
    _left(cast, cast.teacher2, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationFailed) as refused:
        sessions.session_book(
            actor=cast.teacher,
            proposal=group(cast, [cast.learner]),
            title="Revision group",
        )
    assert "Toni Marsh can no longer sign in" in refused.value.errors["staff"]
    assert not Session.objects.exists()


def test_only_those_who_manage_learners_mark_one_as_left(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    for actor in (cast.teacher, cast.ict, cast.board):
        with pytest.raises(PermissionDenied):
            _learner_left(cast, cast.learner, django_capture_on_commit_callbacks, actor=actor)
    with pytest.raises(NotFound):
        _learner_left(cast, cast.outsider_learner, django_capture_on_commit_callbacks)
    cast.learner.refresh_from_db()
    cast.outsider_learner.refresh_from_db()
    assert cast.learner.left_on is None
    assert cast.outsider_learner.left_on is None


def test_the_learner_page_marks_them_as_left(cast: Cast, django_capture_on_commit_callbacks):
    client = signed_in(cast.dsl)
    form = client.get(f"/learners/{cast.learner.pk}/left/")
    assert form.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            f"/learners/{cast.learner.pk}/left/",
            {"left_on": cast.organisation.today(), "understood": "on"},
        )
    assert done.status_code == 302
    page = client.get(f"/learners/{cast.learner.pk}/").content.decode()
    assert "no new sessions" in page
    assert "Mark as left" not in page
    refused = signed_in(cast.teacher).post(
        f"/learners/{cast.learner.pk}/left/",
        {"left_on": cast.organisation.today(), "understood": "on"},
    )
    assert refused.status_code == 403

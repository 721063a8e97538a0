"""Sessions for a class: a teacher books one from the class's page, with the booking form
filled in with its learners; a learner who joins the class afterwards is added to its sessions
to come, invited (with their parents and carers) and checked against the policy; a learner who
leaves it is taken off."""

from pathlib import Path

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.actors import SYSTEM
from chaperon.core.models import EmailDelivery
from chaperon.people.models import Group, Learner
from chaperon.people.services import group_add_learners, group_create, group_remove_learners
from chaperon.sessions import services
from chaperon.sessions.models import Invitation, Session
from tests import factories
from tests.conftest import Cast, signed_in
from tests.people.roster_support import append_row, edit_rows, import_folder, sample_copy
from tests.sessions.helpers import consent_for, group, next_weekday_at


def _class(cast: Cast, *learners: Learner) -> Group:
    french = group_create(
        actor=SYSTEM, organisation=cast.organisation, kind="class", name="Year 9 French set 2"
    )
    group_add_learners(actor=SYSTEM, group=french, learners=learners)
    return french


def _newcomer(cast: Cast) -> Learner:
    learner = factories.learner(cast.organisation, first_name="Quinn", last_name="Ashby")
    factories.guardian(cast.organisation, of=learner, full_name="Rae Ashby")
    return learner


def _booked_for_class(cast: Cast, french: Group, learners: list[Learner]) -> Session:
    result = services.session_book(
        actor=cast.teacher, proposal=group(cast, learners), title="French speaking", group=french
    )
    assert result.booked, result.verdict
    assert result.session is not None
    return result.session


def _invited(session: Session) -> set[tuple[str, str]]:
    return set(session.invitations.values_list("role", "display_name"))


@pytest.mark.clause("SES-7")
def test_a_teacher_books_a_group_session_for_a_class_from_its_page(cast: Cast) -> None:
    second = factories.learner(cast.organisation, first_name="Sasha", last_name="Birch")
    factories.guardian(cast.organisation, of=second, full_name="Jo Birch")
    for learner in (cast.learner, second):
        consent_for(learner, cast.dsl)
    french = _class(cast, cast.learner, second)
    teacher = signed_in(cast.teacher)

    page = teacher.get(f"/classes/{french.pk}/")
    assert page.status_code == 200
    assert f'href="/sessions/book/?group={french.pk}"' in page.content.decode()
    form = teacher.get(f"/sessions/book/?group={french.pk}").content.decode()
    assert "Robin Alder" in form
    assert "Sasha Birch" in form
    assert f'name="group" value="{french.pk}"' in form

    start = next_weekday_at(10)
    response = teacher.post(
        "/sessions/book/",
        {
            "kind": "group",
            "title": "Year 9 French speaking",
            "day": start.date().isoformat(),
            "start_time": "10:00",
            "duration_minutes": "40",
            "learners": [cast.learner.pk, second.pk],
            "other_staff": [cast.teacher2.pk],
            "platform": "builtin",
            "taking_part": "video",
            "conversation_plan": "Speaking practice in pairs.",
            "group": french.pk,
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    session = Session.objects.get(title="Year 9 French speaking")
    assert session.group == french
    assert {learner.pk for learner in session.learners.all()} == {cast.learner.pk, second.pk}
    assert ("guardian", "Jo Birch") in _invited(session)
    assert session.pk in {s.pk for s in teacher.get(f"/classes/{french.pk}/").context["sessions"]}


def test_booking_for_a_class_of_another_organisation_is_not_found(cast: Cast) -> None:
    theirs = group_create(
        actor=SYSTEM, organisation=cast.other_organisation, kind="class", name="Their class"
    )
    response = signed_in(cast.teacher).get(f"/sessions/book/?group={theirs.pk}")
    assert response.status_code == 404
    assert not Session.objects.exists()


@pytest.mark.clause("SES-7")
@pytest.mark.clause("SES-9")
def test_a_learner_added_to_the_class_afterwards_is_invited_and_checked(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    consent_for(cast.learner, cast.dsl)
    french = _class(cast, cast.learner)
    session = _booked_for_class(cast, french, [cast.learner])
    assert not session.flagged
    newcomer = _newcomer(cast)  # no consent on record yet
    sent_before = set(EmailDelivery.objects.values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        group_add_learners(actor=cast.dsl, group=french, learners=[newcomer])

    session.refresh_from_db()
    assert newcomer in session.learners.all()
    assert ("guardian", "Rae Ashby") in _invited(session)
    new_mail = EmailDelivery.objects.exclude(pk__in=sent_before)
    invitations = new_mail.filter(purpose="session_invitation")
    assert list(invitations.values_list("to", flat=True)) == [
        newcomer.relationships.get().guardian.email
    ]
    # Nobody already invited is sent the details again.
    assert not new_mail.filter(purpose="session_update").exists()
    # Checked: the newcomer has no consent to take part, so the session is flagged.
    assert session.flagged
    assert AuditEvent.objects.filter(
        action=AuditAction.SESSION_FLAGGED, object_id=str(session.pk)
    ).exists()
    added = AuditEvent.objects.filter(action=AuditAction.SESSION_CHANGED, object_id=str(session.pk))
    assert [event.details["learners_added"] for event in added] == [[newcomer.pk]]


def test_a_learner_who_leaves_the_class_is_taken_off_its_sessions(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    second = _newcomer(cast)
    for learner in (cast.learner, second):
        consent_for(learner, cast.dsl)
    french = _class(cast, cast.learner, second)
    session = _booked_for_class(cast, french, [cast.learner, second])
    other = services.session_book(
        actor=cast.teacher,
        proposal=group(cast, [cast.learner, second], start=next_weekday_at(10, weeks=3)),
        title="Not for the class",
    ).session
    assert other is not None

    with django_capture_on_commit_callbacks(execute=True):
        group_remove_learners(actor=cast.dsl, group=french, learners=[second])

    assert list(session.learners.all()) == [cast.learner]
    assert ("guardian", "Rae Ashby") not in _invited(session)
    assert Invitation.every.filter(session=session, display_name="Rae Ashby").get().withdrawn_at
    # A session not booked for the class keeps them.
    assert second in other.learners.all()


@pytest.mark.clause("SES-7")
def test_a_learner_enrolled_in_the_class_by_the_next_export_is_invited(
    cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    export = sample_copy(tmp_path)
    edit_rows(export, "enrollments.csv", lambda row: None if row["sourcedId"] == "enr-3" else row)
    import_folder(export, cast.organisation)
    french = Group.objects.get(organisation=cast.organisation, external_id="cls-9fr2")
    amara, bryn = Learner.objects.filter(external_id__in=["usr-s1", "usr-s2"]).order_by("pk")
    for learner in (amara, bryn):
        consent_for(learner, cast.dsl)
    session = _booked_for_class(cast, french, [amara])
    append_row(
        export,
        "enrollments.csv",
        {
            "sourcedId": "enr-3",
            "classSourcedId": "cls-9fr2",
            "userSourcedId": "usr-s2",
            "role": "student",
        },
    )

    with django_capture_on_commit_callbacks(execute=True):
        result = import_folder(export, cast.organisation)

    assert result.members_added == 1
    assert bryn in session.learners.all()
    assert ("guardian", "Jude Tallis") in _invited(session)
    session.refresh_from_db()
    assert not session.flagged


@pytest.mark.parametrize("name", ["ict", "board", "outsider"])
def test_class_pages_are_for_those_who_see_learners(cast: Cast, name: str) -> None:
    french = _class(cast, cast.learner)
    client = signed_in(cast.user(name))
    assert client.get(f"/classes/{french.pk}/").status_code in (403, 404)
    listed = client.get("/classes/")
    if name == "outsider":  # their own organisation's classes: not this one
        assert "Year 9 French" not in listed.content.decode()
    else:
        assert listed.status_code in (403, 404)
    assert not AuditEvent.objects.filter(action=AuditAction.GROUP_VIEWED).exists()


def test_the_class_page_shows_consent_coverage_and_is_audited(cast: Cast) -> None:
    second = _newcomer(cast)
    consent_for(cast.learner, cast.dsl)
    french = _class(cast, cast.learner, second)
    response = signed_in(cast.teacher).get(f"/classes/{french.pk}/")
    assert response.status_code == 200
    [group_session] = [
        line
        for line in response.context["summary"]
        if line.label.startswith("Taking part in live group")
    ]
    assert group_session.counts["given"] == 1
    assert group_session.counts["missing"] == 1
    assert [row.learner for row in response.context["rows"]] == [cast.learner, second]
    [event] = AuditEvent.objects.filter(action=AuditAction.GROUP_VIEWED)
    assert event.object_id == str(french.pk)
    listed = signed_in(cast.teacher).get("/classes/").content.decode()
    assert "Year 9 French set 2" in listed

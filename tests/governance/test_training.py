"""The training register (ORG-3): the default courses, completions recorded with their evidence
(the annual safeguarding update moving the day on the staff record forward, never back), the
status of each member of staff for each course on the days either side of its expiry, the
register's filters and counts, and the reminders sent once before a completion lapses."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.actors import SYSTEM
from chaperon.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from chaperon.core.scheduling import registered
from chaperon.governance.models import (
    CourseFor,
    CourseKind,
    TrainingCompletion,
    TrainingCourse,
)
from chaperon.governance.selectors import my_training, training_register_for
from chaperon.governance.services import (
    training_completion_record,
    training_course_add,
    training_courses_ensure,
    training_reminders_send,
)
from chaperon.governance.tasks import send_training_reminders_task
from chaperon.governance.training import (
    TrainingStatus,
    add_months,
    status_of,
    valid_until,
)
from chaperon.people.models import StaffMember, User
from tests import factories
from tests.conftest import Cast, signed_in
from tests.mail_support import Mailbox

pytestmark = [pytest.mark.django_db, pytest.mark.clause("ORG-3")]


def _courses(cast: Cast) -> dict[str, TrainingCourse]:
    courses = training_courses_ensure(actor=SYSTEM, organisation=cast.organisation)
    return {course.kind: course for course in courses}


def _record(cast: Cast, user: User, course: TrainingCourse, on: date, **more) -> TrainingCompletion:
    return training_completion_record(
        actor=cast.dsl,
        staff=factories.staff_member(user),
        course_id=course.pk,
        completed_on=on,
        **more,
    )


def _status(cast: Cast, user: User, course: TrainingCourse) -> str:
    register = training_register_for(cast.dsl, course_id=course.pk)
    member = register.rows.get(user=user)
    return str(getattr(member, f"status_{course.pk}"))


def test_organisations_start_with_four_default_courses_once(cast: Cast) -> None:
    first = training_courses_ensure(actor=cast.dsl, organisation=cast.organisation)
    again = training_courses_ensure(actor=cast.dsl, organisation=cast.organisation)
    assert [c.pk for c in first] == [c.pk for c in again]
    assert [(c.name, c.kind, c.valid_months, c.required_of) for c in first] == [
        ("Induction", CourseKind.INDUCTION, 0, CourseFor.EVERYONE),
        ("Annual safeguarding update", CourseKind.SAFEGUARDING_UPDATE, 12, CourseFor.EVERYONE),
        ("Online safety", CourseKind.ONLINE_SAFETY, 12, CourseFor.EVERYONE),
        ("DSL training", CourseKind.DSL_TRAINING, 24, CourseFor.HANDLE_CONCERNS),
    ]
    assert AuditEvent.objects.filter(action=AuditAction.TRAINING_COURSES_CREATED).count() == 1
    # Another organisation's courses are its own.
    assert not TrainingCourse.objects.filter(organisation=cast.other_organisation).exists()
    # Opening the register creates them too.
    assert signed_in(cast.slt).get("/governance/training/").status_code == 200


def test_courses_are_added_by_those_who_manage_staff(cast: Cast) -> None:
    _courses(cast)
    course = training_course_add(
        actor=cast.admin,
        name="Prevent awareness",
        kind=CourseKind.OTHER,
        valid_months=36,
        required_of=CourseFor.EVERYONE,
    )
    assert AuditEvent.objects.filter(action=AuditAction.TRAINING_COURSE_ADDED).count() == 1
    with pytest.raises(PermissionDenied):
        training_course_add(
            actor=cast.teacher, name="Mine", kind="other", valid_months=1, required_of="everyone"
        )
    with pytest.raises(ValidationFailed) as refused:
        training_course_add(
            actor=cast.dsl,
            name="prevent AWARENESS",
            kind="nap",
            valid_months=999,
            required_of="dsl",
        )
    assert set(refused.value.errors) == {"name", "kind", "valid_months", "required_of"}
    assert TrainingCourse.objects.filter(organisation=cast.organisation).count() == 5
    assert course.name == "Prevent awareness"


def test_recording_the_safeguarding_update_moves_the_training_date_forward_never_back(
    cast: Cast,
) -> None:
    courses = _courses(cast)
    today = cast.organisation.today()
    staff = factories.staff_member(cast.teacher)
    before = staff.safeguarding_training_on
    assert before is not None
    completion = _record(
        cast,
        cast.teacher,
        courses[CourseKind.SAFEGUARDING_UPDATE],
        today,
        certificate="NSPCC-2026-0142",
        note="Online course with the local authority.",
    )
    staff.refresh_from_db()
    assert staff.safeguarding_training_on == today
    event = AuditEvent.objects.get(action=AuditAction.TRAINING_COMPLETION_RECORDED)
    assert event.actor_id == cast.dsl.pk
    assert event.details["training_date_moved"] is True
    assert "NSPCC" not in event.data and "local authority" not in event.data
    assert completion.recorded_by == cast.dsl
    # An older completion is recorded, but the date on the staff record does not go back.
    _record(
        cast, cast.teacher, courses[CourseKind.SAFEGUARDING_UPDATE], today - timedelta(days=300)
    )
    staff.refresh_from_db()
    assert staff.safeguarding_training_on == today
    # Another course leaves the staff record's date alone.
    other = factories.staff_member(cast.teacher2)
    was = other.safeguarding_training_on
    _record(cast, cast.teacher2, courses[CourseKind.ONLINE_SAFETY], today)
    other.refresh_from_db()
    assert other.safeguarding_training_on == was
    assert TrainingCompletion.objects.count() == 3


def test_a_future_date_a_teacher_and_another_organisations_staff_are_refused(
    cast: Cast,
) -> None:
    courses = _courses(cast)
    update = courses[CourseKind.SAFEGUARDING_UPDATE]
    today = cast.organisation.today()
    staff = factories.staff_member(cast.teacher)
    before = staff.safeguarding_training_on
    with pytest.raises(ValidationFailed) as refused:
        _record(cast, cast.teacher, update, today + timedelta(days=1), certificate="two\nlines")
    assert set(refused.value.errors) == {"completed_on", "certificate"}
    with pytest.raises(PermissionDenied):
        training_completion_record(
            actor=cast.teacher, staff=staff, course_id=update.pk, completed_on=today
        )
    with pytest.raises(NotFound):
        _record(cast, cast.outsider, update, today)
    other_course = training_courses_ensure(actor=SYSTEM, organisation=cast.other_organisation)[1]
    with pytest.raises(ValidationFailed) as refused:
        _record(cast, cast.teacher, other_course, today)
    assert set(refused.value.errors) == {"course"}
    # A teacher's post through the page is refused too.
    response = signed_in(cast.teacher).post(
        "/governance/training/record/",
        {"course": update.pk, "user": cast.teacher.pk, "completed_on": today.isoformat()},
    )
    assert response.status_code == 403
    staff.refresh_from_db()
    assert staff.safeguarding_training_on == before
    assert not TrainingCompletion.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.TRAINING_COMPLETION_RECORDED).exists()


@pytest.mark.parametrize(
    ("done", "months", "on", "expected"),
    [
        # Valid up to and including the same day N months later.
        (date(2025, 3, 10), 12, date(2026, 3, 10), TrainingStatus.EXPIRING),
        (date(2025, 3, 10), 12, date(2026, 3, 11), TrainingStatus.EXPIRED),
        # Expiring from the warning days (30) before that day; current before.
        (date(2025, 3, 10), 12, date(2026, 2, 8), TrainingStatus.EXPIRING),
        (date(2025, 3, 10), 12, date(2026, 2, 7), TrainingStatus.CURRENT),
        # A shorter month: the month's last day.
        (date(2025, 1, 31), 1, date(2025, 2, 28), TrainingStatus.EXPIRING),
        (date(2025, 1, 31), 1, date(2025, 3, 1), TrainingStatus.EXPIRED),
        (date(2024, 2, 29), 12, date(2025, 2, 28), TrainingStatus.EXPIRING),
        (date(2024, 2, 29), 12, date(2025, 3, 1), TrainingStatus.EXPIRED),
        # Never expires.
        (date(2001, 1, 1), 0, date(2026, 3, 10), TrainingStatus.CURRENT),
        (None, 12, date(2026, 3, 10), TrainingStatus.NEVER),
    ],
)
def test_status_on_the_days_either_side_of_the_boundaries(
    done: date | None, months: int, on: date, expected: TrainingStatus
) -> None:
    assert status_of(done, valid_months=months, required=True, today=on, warning_days=30) == (
        expected
    )
    assert (
        status_of(done, valid_months=months, required=False, today=on, warning_days=30)
        == TrainingStatus.NOT_REQUIRED
    )


def test_the_database_agrees_with_the_rule_on_every_day_around_expiry(cast: Cast) -> None:
    courses = _courses(cast)
    update = courses[CourseKind.SAFEGUARDING_UPDATE]
    today = cast.organisation.today()
    # Completions whose validity ends from 35 days ago to 35 days ahead, one a day.
    people = []
    for offset in range(-35, 36, 5):
        user = factories.staff(cast.organisation, "teacher", name=f"Kim Offset{offset + 100}")
        done = add_months(today + timedelta(days=offset), -12)
        _record(cast, user, update, done)
        people.append((user, done))
    for user, done in people:
        expected = status_of(done, valid_months=12, required=True, today=today, warning_days=30)
        assert _status(cast, user, update) == expected, (done, valid_until(done, 12))


def test_the_register_filters_and_counts(cast: Cast) -> None:
    courses = _courses(cast)
    dsl_course = courses[CourseKind.DSL_TRAINING]
    today = cast.organisation.today()
    _record(cast, cast.dsl, dsl_course, today - timedelta(days=10))  # current
    _record(cast, cast.deputy, dsl_course, add_months(today, -24) - timedelta(days=1))  # expired
    _record(cast, cast.teacher, dsl_course, today)  # recorded, but not required of a teacher
    register = training_register_for(cast.slt, course_id=dsl_course.pk)
    active_staff = StaffMember.objects.filter(
        organisation=cast.organisation, user__is_active=True
    ).count()
    assert register.counts[0].counts == {
        "current": 1,
        "expiring": 0,
        "expired": 1,
        "never": 0,
        "not_required": active_staff - 2,
    }
    expired = training_register_for(cast.slt, course_id=dsl_course.pk, status="expired")
    assert [m.user for m in expired.rows] == [cast.deputy]
    # With no course chosen, every course is a column and a status matches any of them.
    everything = training_register_for(cast.slt, status="current")
    assert len(everything.courses) == 4
    assert {m.user for m in everything.rows} >= {cast.dsl}
    events = AuditEvent.objects.filter(action=AuditAction.STAFF_COMPLIANCE_VIEWED)
    assert events.count() == 3
    assert all(event.details["register"] == "training" for event in events)
    with pytest.raises(PermissionDenied):
        training_register_for(cast.teacher)
    # The page: counts and names, filtered.
    page = signed_in(cast.slt).get(
        "/governance/training/", {"course": str(dsl_course.pk), "status": "expired"}
    )
    content = page.content.decode()
    assert page.status_code == 200
    assert "Devon Pike" in content and "Dana Sefton" not in content
    assert signed_in(cast.teacher).get("/governance/training/").status_code == 403


def test_a_member_of_staff_sees_their_own_training(cast: Cast) -> None:
    courses = _courses(cast)
    today = cast.organisation.today()
    _record(cast, cast.teacher, courses[CourseKind.INDUCTION], today - timedelta(days=800))
    mine = {item.course.kind: item for item in my_training(cast.teacher) or []}
    assert mine[CourseKind.INDUCTION].status == TrainingStatus.CURRENT
    assert mine[CourseKind.ONLINE_SAFETY].status == TrainingStatus.NEVER
    assert mine[CourseKind.DSL_TRAINING].status == TrainingStatus.NOT_REQUIRED
    client = signed_in(cast.teacher)
    page = client.get("/governance/training/mine/")
    assert page.status_code == 200
    assert "Online safety" in page.content.decode()
    dashboard = client.get("/dashboard/").content.decode()
    assert "Training to do" in dashboard


def _due_in_ten_days(
    cast: Cast, user: User, course: TrainingCourse
) -> tuple[TrainingCompletion, date]:
    """A completion of ``course`` lapsing in the past, and the day 10 days before it lapses."""
    done = cast.organisation.today() - timedelta(days=800)
    completion = _record(cast, user, course, done)
    until = valid_until(done, course.valid_months)
    assert until is not None
    return completion, until - timedelta(days=10)


def test_reminders_go_once_to_the_person_and_their_line_manager(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    courses = _courses(cast)
    StaffMember.objects.filter(user=cast.teacher).update(
        line_manager=StaffMember.objects.get(user=cast.slt)
    )
    completion, day = _due_in_ten_days(cast, cast.teacher, courses[CourseKind.ONLINE_SAFETY])
    # A DSL course recorded for a teacher, who need not take it: no reminder.
    _due_in_ten_days(cast, cast.teacher2, courses[CourseKind.DSL_TRAINING])
    # A course that never expires: no reminder.
    _record(cast, cast.ict, courses[CourseKind.INDUCTION], day - timedelta(days=3000))
    with django_capture_on_commit_callbacks(execute=True):
        assert training_reminders_send(today=day - timedelta(days=25)) == 0  # too early
        assert training_reminders_send(today=day) == 1
        assert training_reminders_send(today=day) == 0
        assert training_reminders_send(today=day + timedelta(days=5)) == 0
    subject = "Training to renew: Online safety (Terry Finch)"
    assert [m["Subject"] for m in smtp_server.to(cast.teacher.email)] == [subject]
    assert [m["Subject"] for m in smtp_server.to(cast.slt.email)] == [subject]
    assert not smtp_server.to(cast.teacher2.email)
    assert not smtp_server.to(cast.ict.email)
    assert "line manager" in smtp_server.to(cast.slt.email)[0].get_content()
    completion.refresh_from_db()
    assert completion.reminded_on == day
    event = AuditEvent.objects.get(action=AuditAction.TRAINING_REMINDER_SENT)
    assert event.details["to"] == [cast.teacher.pk, cast.slt.pk]


def test_the_periodic_task_is_registered_and_sends_nothing_twice(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    assert any(p.task is send_training_reminders_task for p in registered())
    courses = _courses(cast)
    today = cast.organisation.today()
    # Lapsing in 10 days from today, with no line manager.
    done = add_months(today + timedelta(days=10), -12)
    _record(cast, cast.ict, courses[CourseKind.ONLINE_SAFETY], done)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_training_reminders_task.call() == 1
        assert send_training_reminders_task.call() == 0
    assert len(smtp_server.to(cast.ict.email)) == 1
    assert len(smtp_server.messages) == 1


def test_the_page_records_a_completion(cast: Cast) -> None:
    courses = _courses(cast)
    update = courses[CourseKind.SAFEGUARDING_UPDATE]
    today = cast.organisation.today()
    client: Client = signed_in(cast.dsl)
    assert client.get("/governance/training/record/").status_code == 200
    refused = client.post(
        "/governance/training/record/",
        {"course": update.pk, "user": cast.teacher.pk, "completed_on": ""},
    )
    assert refused.status_code == 400
    assert not TrainingCompletion.objects.exists()
    done = client.post(
        "/governance/training/record/",
        {
            "course": update.pk,
            "user": cast.teacher.pk,
            "completed_on": today.isoformat(),
            "certificate": "LA-778",
        },
    )
    assert done.status_code == 302
    assert TrainingCompletion.objects.get().certificate == "LA-778"
    assert factories.staff_member(cast.teacher).safeguarding_training_on == today


def test_a_certificate_file_is_kept_with_the_completion_and_opened_by_few(cast: Cast) -> None:
    courses = _courses(cast)
    update = courses[CourseKind.SAFEGUARDING_UPDATE]
    today = cast.organisation.today()
    client = signed_in(cast.dsl)
    fields = {"course": update.pk, "user": cast.teacher.pk, "completed_on": today.isoformat()}
    not_a_pdf = SimpleUploadedFile("certificate.pdf", b"MZ an executable", "application/pdf")
    refused = client.post("/governance/training/record/", {**fields, "certificate_file": not_a_pdf})
    assert refused.status_code == 400
    assert "this is not a PDF, PNG, JPEG or WebP file" in refused.content.decode()
    assert not TrainingCompletion.objects.exists()
    pdf = SimpleUploadedFile("certificate.pdf", b"%PDF-1.4 certificate", "application/pdf")
    assert (
        client.post("/governance/training/record/", {**fields, "certificate_file": pdf}).status_code
        == 302
    )
    completion = TrainingCompletion.objects.get()
    assert completion.certificate_file_name == "certificate.pdf"
    assert completion.certificate_file_type == "application/pdf"
    path = f"/governance/training/completions/{completion.pk}/certificate/"
    for reader in (cast.teacher, cast.dsl):
        response = signed_in(reader).get(path)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4 certificate"  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(action=AuditAction.TRAINING_CERTIFICATE_VIEWED).count() == 2
    register = signed_in(cast.dsl).get("/governance/training/", {"course": str(update.pk)})
    assert path in register.content.decode()
    assert signed_in(cast.teacher2).get(path).status_code == 404
    assert signed_in(cast.outsider).get(path).status_code == 404
    assert (
        "the certificate"
        in signed_in(cast.teacher).get("/governance/training/mine/").content.decode()
    )

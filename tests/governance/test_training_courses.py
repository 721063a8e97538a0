"""Renaming and retiring training courses (ORG-3): a rename keeps the completions with the
course and the name it had; a retired course is required of nobody and never reminded, and
stays in the register with its completions; it can be required again. Audited; refusals change
nothing."""

from datetime import date, timedelta

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.actors import SYSTEM
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.governance.models import CourseKind, TrainingCompletion, TrainingCourse
from chaperon.governance.selectors import my_training
from chaperon.governance.services import (
    training_completion_record,
    training_course_rename,
    training_course_retire,
    training_courses_ensure,
    training_reminders_send,
)
from chaperon.governance.training import valid_until
from tests import factories
from tests.conftest import Cast, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.clause("ORG-3")]


def _online_safety(cast: Cast) -> TrainingCourse:
    courses = training_courses_ensure(actor=SYSTEM, organisation=cast.organisation)
    return next(course for course in courses if course.kind == CourseKind.ONLINE_SAFETY)


def _lapsing(cast: Cast, course: TrainingCourse) -> tuple[TrainingCompletion, date]:
    done = cast.organisation.today() - timedelta(days=800)
    completion = training_completion_record(
        actor=cast.dsl,
        staff=factories.staff_member(cast.teacher),
        course_id=course.pk,
        completed_on=done,
    )
    until = valid_until(done, course.valid_months)
    assert until is not None
    return completion, until - timedelta(days=10)


def _status(cast: Cast, course: TrainingCourse) -> str:
    page = signed_in(cast.dsl).get(f"/governance/training/?course={course.pk}")
    row = next(row for member, row in page.context["rows"] if member.user_id == cast.teacher.pk)
    return str(row[0][0])


def test_a_rename_keeps_the_completions_and_the_former_name(cast: Cast) -> None:
    course = _online_safety(cast)
    completion, _ = _lapsing(cast, course)
    client = signed_in(cast.admin)
    url = f"/governance/training/courses/{course.pk}/rename/"
    assert client.post(url, {"name": "Online safety and AI tools"}).status_code == 302
    course.refresh_from_db()
    completion.refresh_from_db()
    assert course.name == "Online safety and AI tools"
    assert course.former_names == ["Online safety"]
    assert completion.course_id == course.pk
    event = AuditEvent.objects.get(action=AuditAction.TRAINING_COURSE_RENAMED)
    assert event.details == {"from": "Online safety", "to": "Online safety and AI tools"}
    page = client.get("/governance/training/")
    assert "formerly Online safety" in page.text


def test_a_bad_name_is_refused_naming_the_field_and_nothing_changes(cast: Cast) -> None:
    course = _online_safety(cast)
    client = signed_in(cast.dsl)
    url = f"/governance/training/courses/{course.pk}/rename/"
    taken = client.post(url, {"name": "induction"})
    assert taken.status_code == 400
    assert "New name: there is a course of this name already" in taken.text
    assert client.post(url, {"name": ""}).status_code == 400
    with pytest.raises(ValidationFailed) as refused:
        training_course_rename(actor=cast.dsl, course_id=course.pk, name="Line\nbreak")
    assert "name" in refused.value.errors
    course.refresh_from_db()
    assert (course.name, course.former_names) == ("Online safety", [])
    assert not AuditEvent.objects.filter(action=AuditAction.TRAINING_COURSE_RENAMED).exists()


def test_a_retired_course_is_required_of_nobody_not_reminded_and_kept(cast: Cast) -> None:
    course = _online_safety(cast)
    completion, day = _lapsing(cast, course)
    assert _status(cast, course) == "expired"
    client = signed_in(cast.dsl)
    url = f"/governance/training/courses/{course.pk}/retire/"
    assert client.post(url, {"retired": "1"}).status_code == 302
    course.refresh_from_db()
    assert course.retired_on == cast.organisation.today()
    assert AuditEvent.objects.filter(action=AuditAction.TRAINING_COURSE_RETIRED).count() == 1
    # Not required, never reminded, still in the register with its completion.
    assert _status(cast, course) == "not_required"
    assert training_reminders_send(today=day) == 0
    completion.refresh_from_db()
    assert completion.reminded_on is None
    page = client.get(f"/governance/training/?course={course.pk}")
    assert "Online safety (retired)" in page.text
    assert TrainingCompletion.objects.filter(course=course).count() == 1
    mine = {item.course.pk: item for item in my_training(cast.teacher) or []}
    assert mine[course.pk].status == "not_required"
    assert mine[course.pk].completions == [completion]
    # Required again: reminded again.
    assert client.post(url, {"retired": "0"}).status_code == 302
    course.refresh_from_db()
    assert course.retired_on is None
    assert AuditEvent.objects.filter(action=AuditAction.TRAINING_COURSE_RESTORED).count() == 1
    assert _status(cast, course) == "expired"
    assert training_reminders_send(today=day) == 1


def test_retiring_twice_is_refused_and_nothing_changes(cast: Cast) -> None:
    course = _online_safety(cast)
    training_course_retire(actor=cast.dsl, course_id=course.pk, retired=True)
    response = signed_in(cast.dsl).post(
        f"/governance/training/courses/{course.pk}/retire/", {"retired": "1"}
    )
    assert response.status_code == 400
    assert "retired already" in response.text
    assert AuditEvent.objects.filter(action=AuditAction.TRAINING_COURSE_RETIRED).count() == 1


@pytest.mark.parametrize("name", ["deputy", "slt", "teacher", "board"])
def test_only_those_who_keep_the_register_rename_or_retire(cast: Cast, name: str) -> None:
    course = _online_safety(cast)
    client = signed_in(cast.user(name))
    base = f"/governance/training/courses/{course.pk}"
    assert client.post(f"{base}/rename/", {"name": "Something else"}).status_code == 403
    assert client.post(f"{base}/retire/", {"retired": "1"}).status_code == 403
    with pytest.raises(PermissionDenied):
        training_course_retire(actor=cast.user(name), course_id=course.pk, retired=True)
    course.refresh_from_db()
    assert (course.name, course.retired_on) == ("Online safety", None)
    changed = [
        AuditAction.TRAINING_COURSE_RENAMED,
        AuditAction.TRAINING_COURSE_RETIRED,
    ]
    assert not AuditEvent.objects.filter(action__in=changed).exists()


def test_another_organisations_course_is_not_touched(cast: Cast) -> None:
    course = _online_safety(cast)
    response = signed_in(cast.outsider).post(
        f"/governance/training/courses/{course.pk}/retire/", {"retired": "1"}
    )
    assert response.status_code == 400
    course.refresh_from_db()
    assert course.retired_on is None

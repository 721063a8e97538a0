"""Destroying a member of staff's agreements and training records at the end of the
schedule's period (LOG-2, ORG-7): only on the DSL's confirmation, never while a hold or an
open allegation stands (nothing changes), certified in the audit log with the chain whole."""

import json
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.test import TestCase

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.audit.verify import verify_chain
from chaperon.concerns.models import ConcernKind
from chaperon.concerns.services import concern_raise
from chaperon.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from chaperon.core.pure.retention import Kind
from chaperon.governance.certificates import certificate_file
from chaperon.governance.models import AupSignature, TrainingCompletion
from chaperon.governance.services import training_completion_record, training_courses_ensure
from chaperon.retention.models import RetentionDestruction
from chaperon.retention.selectors import due_for_review
from chaperon.retention.services import (
    retention_hold_place,
    retention_hold_release,
    retention_period_set,
    retention_staff_records_destroy,
)
from tests.conftest import Cast
from tests.retention.helpers import close_cases_about, left_years_ago, snapshot

pytestmark = [pytest.mark.clause("LOG-2"), pytest.mark.clause("ORG-7")]


def test_the_dsl_destroys_the_records_of_someone_who_left_six_years_ago(cast: Cast) -> None:
    staff = left_years_ago(cast, cast.teacher, 6)

    certificate = retention_staff_records_destroy(actor=cast.dsl, staff_id=staff.pk)

    assert not TrainingCompletion.objects.filter(staff=staff).exists()
    assert not AupSignature.objects.filter(user=cast.teacher).exists()
    assert certificate.record_count == 2
    assert len(certificate.content_sha256) == 64
    event = AuditEvent.objects.get(action=AuditAction.RETENTION_RECORDS_DESTROYED)
    assert (certificate.audit_seq, certificate.audit_hash) == (event.seq, event.hash)
    assert RetentionDestruction.objects.get().audit_hash == event.hash
    assert event.actor_id == cast.dsl.pk
    assert json.loads(event.data)["records"] == 2
    assert verify_chain().ok
    staff.refresh_from_db()  # the member of staff's own record stays (its own line)
    assert not due_for_review(cast.organisation, Kind.AUP_AND_TRAINING, cast.organisation.today())


def test_a_day_before_the_period_ends_nothing_is_destroyed(cast: Cast) -> None:
    staff = left_years_ago(cast, cast.teacher, 6, days=-1)
    before = snapshot(staff)

    with pytest.raises(ValidationFailed) as refused:
        retention_staff_records_destroy(actor=cast.dsl, staff_id=staff.pk)

    assert "confirm" in refused.value.errors
    assert snapshot(staff) == before


def test_a_hold_blocks_destruction_until_it_is_released(cast: Cast) -> None:
    staff = left_years_ago(cast, cast.teacher, 7)
    hold = retention_hold_place(
        actor=cast.dsl, staff_id=staff.pk, reason="An employment tribunal claim is open."
    )
    before = snapshot(staff)

    with pytest.raises(ValidationFailed) as refused:
        retention_staff_records_destroy(actor=cast.dsl, staff_id=staff.pk)

    assert "hold" in refused.value.errors["confirm"]
    assert snapshot(staff) == before

    retention_hold_release(actor=cast.dsl, hold_id=hold.pk, reason="The claim was settled.")
    retention_staff_records_destroy(actor=cast.dsl, staff_id=staff.pk)
    assert not TrainingCompletion.objects.filter(staff=staff).exists()


def test_an_open_allegation_about_them_blocks_destruction(cast: Cast) -> None:
    staff = left_years_ago(cast, cast.teacher, 7)
    concern_raise(
        actor=cast.teacher2,
        organisation=cast.organisation,
        description="A learner said this teacher messaged them privately.",
        kind=ConcernKind.ALLEGATION,
        subject_staff=cast.teacher,
    )
    before = snapshot(staff)

    with pytest.raises(ValidationFailed) as refused:
        retention_staff_records_destroy(actor=cast.dsl, staff_id=staff.pk)

    assert "allegation" in refused.value.errors["confirm"]
    assert snapshot(staff) == before

    close_cases_about(user=cast.teacher)
    retention_staff_records_destroy(actor=cast.dsl, staff_id=staff.pk)
    assert not AupSignature.objects.filter(user=cast.teacher).exists()


def test_a_longer_period_set_by_the_organisation_keeps_the_records(cast: Cast) -> None:
    staff = left_years_ago(cast, cast.teacher, 7)
    retention_period_set(actor=cast.dsl, kind=Kind.AUP_AND_TRAINING, years=8, reason="")
    before = snapshot(staff)

    with pytest.raises(ValidationFailed):
        retention_staff_records_destroy(actor=cast.dsl, staff_id=staff.pk)

    assert snapshot(staff) == before


@pytest.mark.parametrize("who", ["deputy", "slt", "teacher", "admin", "board", "ict"])
def test_only_the_dsl_destroys(cast: Cast, who: str) -> None:
    staff = left_years_ago(cast, cast.teacher2, 7)
    before = snapshot(staff)

    with pytest.raises(PermissionDenied):
        retention_staff_records_destroy(actor=cast.user(who), staff_id=staff.pk)

    assert snapshot(staff) == before


def test_the_dsl_of_another_organisation_finds_nothing_to_destroy(cast: Cast) -> None:
    staff = left_years_ago(cast, cast.teacher, 7)
    before = snapshot(staff)

    with pytest.raises(NotFound):
        retention_staff_records_destroy(actor=cast.outsider, staff_id=staff.pk)

    assert snapshot(staff) == before


def test_a_destroyed_certificate_file_goes_with_its_record(cast: Cast) -> None:
    course = training_courses_ensure(actor=cast.dsl, organisation=cast.organisation)[1]
    completion = training_completion_record(
        actor=cast.dsl,
        staff=cast.teacher.staff,
        course_id=course.pk,
        completed_on=cast.organisation.today() - timedelta(days=3),
        certificate_upload=certificate_file(name="update.pdf", content=b"%PDF-1.4 done"),
    )
    name = str(completion.certificate_file.name)
    assert default_storage.exists(name)
    staff = left_years_ago(cast, cast.teacher, 6)

    with TestCase.captureOnCommitCallbacks(execute=True):
        retention_staff_records_destroy(actor=cast.dsl, staff_id=staff.pk)

    assert not default_storage.exists(name)

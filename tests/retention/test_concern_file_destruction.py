"""Destroying a learner's child protection file at the end of its period (LOG-2): the one
delete of concerns the database allows, only through the retention service on the DSL's
confirmation, certified in the audit log with the chain whole; refused with nothing changed
before its date, under a hold, while a case is open or a recording is held for it. Any other
delete of a concern is still refused by the database itself."""

import json
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, transaction
from django.test import TestCase

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.audit.verify import verify_chain
from chaperon.concerns.models import (
    CaseAccess,
    Concern,
    ConcernAttachment,
    ConcernEntry,
    ConcernStep,
)
from chaperon.concerns.services import concern_raise
from chaperon.concerns.services.destruction import file_destruction_permit
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.core.pure.dates import add_years
from chaperon.core.pure.retention import Kind
from chaperon.people.models import Learner
from chaperon.recordings.models import LegalHold
from chaperon.retention.models import RetentionDestruction
from chaperon.retention.selectors import due_for_review
from chaperon.retention.services import (
    retention_concern_file_destroy,
    retention_hold_place,
    retention_hold_release,
)
from tests.conftest import Cast
from tests.recordings.helpers import make_recording

from .helpers import close_cases_about, learner_with_file

pytestmark = [pytest.mark.clause("LOG-2")]


def born_years_ago(cast: Cast, years: int, *, days: int = 0) -> date:
    return add_years(cast.organisation.today(), -years) + timedelta(days=days)


def file_of(learner: Learner) -> dict[str, int]:
    """Everything a refused destruction must leave as it was."""
    concerns = Concern.objects.filter(learner=learner)
    return {
        "concerns": concerns.count(),
        "entries": ConcernEntry.objects.filter(concern__in=concerns).count(),
        "steps": ConcernStep.objects.filter(concern__in=concerns).count(),
        "documents": ConcernAttachment.objects.filter(concern__in=concerns).count(),
        "access": CaseAccess.objects.filter(concern__in=concerns).count(),
        "certificates": RetentionDestruction.objects.count(),
        "events": AuditEvent.objects.count(),
    }


def closed_file(cast: Cast, born: date, *, first_name: str = "Alex") -> Learner:
    learner = learner_with_file(cast, born, first_name=first_name)
    close_cases_about(learner=learner)
    return learner


def test_the_dsl_destroys_a_file_whose_period_has_ended(cast: Cast) -> None:
    other = closed_file(cast, born_years_ago(cast, 10), first_name="Sam")
    learner = closed_file(cast, born_years_ago(cast, 25))
    concern = Concern.objects.get(learner=learner)
    name = default_storage.save("concerns/test/said.txt", ContentFile(b"Text only, kept"))
    ConcernAttachment.objects.create(
        concern=concern, path=name, name="said.txt", content_type="text/plain", size=15
    )
    before = file_of(learner)
    assert before["entries"]
    kept = file_of(other)

    with TestCase.captureOnCommitCallbacks(execute=True):
        certificate = retention_concern_file_destroy(actor=cast.dsl, learner_id=learner.pk)

    after = file_of(learner)
    assert (after["concerns"], after["entries"], after["steps"], after["documents"]) == (
        0,
        0,
        0,
        0,
    )
    assert not default_storage.exists(name)
    assert file_of(other)["concerns"] == kept["concerns"] == 1  # another learner's file stays
    Learner.objects.get(pk=learner.pk)  # the learner's own record stays
    assert certificate.kind == Kind.CONCERN_FILE
    assert (certificate.learner_id_was, certificate.staff_id_was) == (learner.pk, None)
    assert certificate.record_count >= 1 + before["entries"] + before["steps"] + 1
    event = AuditEvent.objects.get(action=AuditAction.RETENTION_RECORDS_DESTROYED)
    assert (certificate.audit_seq, certificate.audit_hash) == (event.seq, event.hash)
    assert event.actor_id == cast.dsl.pk
    data = json.loads(event.data)
    assert data["kind"] == "concern_file"
    assert data["learner"] == learner.pk
    assert data["references"] == [concern.reference]
    assert data["documents"] == 1
    assert data["content_sha256"] == certificate.content_sha256
    assert data["due_on"] == cast.organisation.today().isoformat()  # born 25 years ago today
    assert data["first_raised"] == concern.created_at.date().isoformat()
    assert verify_chain().ok
    assert not due_for_review(cast.organisation, Kind.CONCERN_FILE, cast.organisation.today())


def _delete_directly(sql: str, params: list[int]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    "table", ["concerns_concern", "concerns_concernentry", "concerns_concernattachment"]
)
def test_a_direct_delete_of_a_due_file_is_still_refused(cast: Cast, table: str) -> None:
    older = closed_file(cast, born_years_ago(cast, 30), first_name="Sam")  # older rows first
    learner = closed_file(cast, born_years_ago(cast, 26))
    concern = Concern.objects.get(learner=learner)
    for each in (Concern.objects.get(learner=older), concern):
        ConcernAttachment.objects.create(
            concern=each,
            path="concerns/test/a.txt",
            name="a.txt",
            content_type="text/plain",
            size=1,
        )
    column = "id" if table == "concerns_concern" else "concern_id"
    before = file_of(learner)
    assert before["entries"] and before["documents"]

    with pytest.raises(DatabaseError, match="only added to"):
        _delete_directly(f'DELETE FROM "{table}" WHERE "{column}" = %s', [concern.pk])  # noqa: S608

    assert file_of(learner) == before


def _delete_with_permit(permitted: Learner, concern: Concern) -> None:
    with (
        transaction.atomic(),
        file_destruction_permit(permitted.pk),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM concerns_concernentry WHERE concern_id = %s", [concern.pk])


def test_a_permit_for_one_file_deletes_nothing_of_another(cast: Cast) -> None:
    closed_file(cast, born_years_ago(cast, 30), first_name="Sam")
    permitted = closed_file(cast, born_years_ago(cast, 26), first_name="Robin")
    learner = closed_file(cast, born_years_ago(cast, 26))
    concern = Concern.objects.get(learner=learner)
    before = file_of(learner)

    with pytest.raises(DatabaseError, match="only added to"):
        _delete_with_permit(permitted, concern)

    assert file_of(learner) == before


def test_a_day_before_the_file_is_due_nothing_is_destroyed(cast: Cast) -> None:
    learner = closed_file(cast, born_years_ago(cast, 25, days=1))
    before = file_of(learner)

    with pytest.raises(ValidationFailed) as refused:
        retention_concern_file_destroy(actor=cast.dsl, learner_id=learner.pk)

    assert "period" in refused.value.errors["confirm"]
    assert file_of(learner) == before


def test_a_hold_keeps_the_file_until_it_is_released(cast: Cast) -> None:
    learner = closed_file(cast, born_years_ago(cast, 27))
    hold = retention_hold_place(
        actor=cast.dsl, learner_id=learner.pk, reason="A civil claim names the school."
    )
    before = file_of(learner)

    with pytest.raises(ValidationFailed) as refused:
        retention_concern_file_destroy(actor=cast.dsl, learner_id=learner.pk)

    assert "hold" in refused.value.errors["confirm"]
    assert file_of(learner) == before
    retention_hold_release(actor=cast.dsl, hold_id=hold.pk, reason="The claim was withdrawn.")
    retention_concern_file_destroy(actor=cast.dsl, learner_id=learner.pk)
    assert file_of(learner)["concerns"] == 0


def test_an_open_case_keeps_the_file(cast: Cast) -> None:
    learner = learner_with_file(cast, born_years_ago(cast, 26))  # its concern still open
    before = file_of(learner)

    with pytest.raises(ValidationFailed) as refused:
        retention_concern_file_destroy(actor=cast.dsl, learner_id=learner.pk)

    assert "open" in refused.value.errors["confirm"]
    assert file_of(learner) == before


def test_a_recording_held_as_evidence_for_the_file_keeps_it(cast: Cast, tmp_path: object) -> None:
    learner = Learner.objects.create(
        organisation=cast.organisation,
        first_name="Kit",
        last_name="Hollow",
        date_of_birth=born_years_ago(cast, 26),
    )
    make_recording(cast, learner=learner)
    concern_raise(
        actor=cast.teacher,
        organisation=cast.organisation,
        description="Said someone online asked to meet.",
        learner=learner,
    )
    close_cases_about(learner=learner)
    assert LegalHold.objects.filter(released_at__isnull=True).exists()
    before = file_of(learner)

    with pytest.raises(ValidationFailed) as refused:
        retention_concern_file_destroy(actor=cast.dsl, learner_id=learner.pk)

    assert "held as evidence" in refused.value.errors["confirm"]
    assert file_of(learner) == before


@pytest.mark.parametrize("who", ["teacher", "admin"])
def test_only_the_dsl_destroys_a_file(cast: Cast, who: str) -> None:
    learner = closed_file(cast, born_years_ago(cast, 26))
    before = file_of(learner)

    with pytest.raises(PermissionDenied):
        retention_concern_file_destroy(actor=getattr(cast, who), learner_id=learner.pk)

    assert file_of(learner) == before

"""Gathering everything held about a person, the third parties found in it, and the released
export: a withheld third party appears nowhere in it, not in data.json, not in free text, not
by address; the export is kept, with its digest, and made the same way every time."""

import hashlib
import json

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.subject_access import services
from chaperon.subject_access.models import RequestStatus, SubjectAccessRequest
from tests.conftest import Cast

from .helpers import (
    REPORTER,
    REPORTER_CONTACT,
    SIBLING,
    SIBLING_EMAIL,
    a_learner_with_a_history,
    archive_of,
    decide_all,
    party,
    started,
    unzipped,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clause("ORG-7"), pytest.mark.clause("LOG-2")]


def _prepared(cast: Cast) -> SubjectAccessRequest:
    a_learner_with_a_history(cast)
    request = started(cast)
    return services.subject_access_prepare(actor=cast.dsl, request_id=request.pk)


def _section(request: SubjectAccessRequest, key: str) -> list[dict]:
    [found] = [each for each in request.gathered["sections"] if each["key"] == key]
    return found["items"]


def test_preparing_gathers_every_source_and_lists_the_third_parties(cast: Cast) -> None:
    request = _prepared(cast)

    assert request.status == RequestStatus.PREPARED
    assert request.gathered["subject"] == {"kind": "learner", "name": "Robin Alder"}
    record = json.dumps(_section(request, "record"))
    assert "Robin" in record and "Morgan Alder" in record
    assert _section(request, "consents"), "the paper consent form"
    [session] = _section(request, "sessions")
    assert "Careers" in session["heading"] and SIBLING in json.dumps(session)
    [meeting] = _section(request, "meeting_records")
    assert "open evening" in json.dumps(meeting)
    [concern] = _section(request, "concerns")
    assert REPORTER in json.dumps(concern) and "photos" in json.dumps(concern)
    assert _section(request, "audit"), "the learner's creation at least"
    kinds = {each.name: each.kind for each in request.third_parties.all()}
    assert kinds[SIBLING] == "learner"
    assert kinds["Morgan Alder"] == "guardian"
    assert kinds[REPORTER] == "reporter"
    assert kinds["Terry Finch"] == "staff"
    assert "Robin Alder" not in kinds, "the subject is never a third party"
    assert SIBLING_EMAIL in party(request, SIBLING).aliases
    assert AuditEvent.objects.filter(
        action=AuditAction.SUBJECT_ACCESS_PREPARED, object_id=str(request.pk)
    ).exists()


def test_a_withheld_third_party_appears_nowhere_in_the_released_export(cast: Cast) -> None:
    request = _prepared(cast)
    decide_all(cast, request, withhold=SIBLING)
    services.subject_access_third_party_decide(
        actor=cast.dsl,
        request_id=request.pk,
        third_party_id=party(request, REPORTER).pk,
        decision="withhold",
        exemption="serious_harm",
        reason="The reporter fears reprisal",
    )

    released = services.subject_access_release(actor=cast.dsl, request_id=request.pk)

    files = unzipped(archive_of(released))
    assert sorted(files) == ["data.json", "index.html"]
    for name, text in files.items():
        for secret in (SIBLING, SIBLING_EMAIL, REPORTER, REPORTER_CONTACT):
            assert secret.casefold() not in text.casefold(), f"{secret} in {name}"
        assert "Sky" not in text, f"the brother's first name alone, in {name}"
    data = json.loads(files["data.json"])
    text = json.dumps(data)
    assert "[withheld: Third party's personal data (DPA 2018 Sch 2 para 16)]" in text
    assert "[withheld: Serious harm" in text
    assert "Robin Alder" in text and "Morgan Alder" in text, "the subject and those disclosed"
    [meeting] = [each for each in data["sections"] if each["key"] == "meeting_records"]
    assert "Robin and [withheld: Third party" in json.dumps(meeting), "free text, redacted"
    assert {line["exemption"][:12] for line in data["withheld"]} == {"Serious harm", "Third party'"}
    assert "<script" not in files["index.html"] and "http" not in files["index.html"]
    assert released.archive_sha256 == hashlib.sha256(archive_of(released)).hexdigest()
    assert {each["name"]: each["decision"] for each in released.decisions}[SIBLING] == "withhold"
    event = AuditEvent.objects.get(action=AuditAction.SUBJECT_ACCESS_RELEASED)
    assert released.archive_sha256 in event.data


def test_the_export_is_made_the_same_way_every_time(cast: Cast) -> None:
    from chaperon.subject_access.export import build_export, export_data
    from chaperon.subject_access.services import _decided

    request = _prepared(cast)
    decide_all(cast, request, withhold=SIBLING)
    released = services.subject_access_release(actor=cast.dsl, request_id=request.pk)
    again = build_export(
        export_data(
            gathered=released.gathered,
            decided=_decided(list(released.third_parties.order_by("key"))),
            organisation=cast.organisation.name,
            received_on=released.received_on,
            due_on=released.due_on,
            released_on=cast.organisation.today(),
        )
    )
    assert again.content == archive_of(released)
    assert again.sha256 == released.archive_sha256


def test_preparing_again_keeps_the_decisions_made(cast: Cast) -> None:
    request = _prepared(cast)
    decide_all(cast, request, withhold=SIBLING)
    before = {each.key: each.decision for each in request.third_parties.all()}

    services.subject_access_prepare(actor=cast.dsl, request_id=request.pk)

    assert {each.key: each.decision for each in request.third_parties.all()} == before


def test_a_member_of_staffs_export_has_their_record_training_and_allegations(cast: Cast) -> None:
    from chaperon.concerns.services import concern_raise

    concern_raise(
        actor=cast.teacher2,
        organisation=cast.organisation,
        kind="allegation",
        subject_staff=cast.teacher,
        description="Terry Finch messaged a learner from a personal account.",
    )
    request = started(cast, learner_id=None, staff_id=cast.teacher.staff.pk)
    request = services.subject_access_prepare(actor=cast.dsl, request_id=request.pk)

    assert request.gathered["subject"]["name"] == "Terry Finch"
    assert "Teacher" in json.dumps(_section(request, "record"))
    [allegation] = _section(request, "concerns")
    assert "personal account" in json.dumps(allegation)
    assert party(request, "Toni Marsh").kind == "reporter"


def test_a_parents_export_lists_their_children_as_third_parties(cast: Cast) -> None:
    request = started(cast, learner_id=None, guardian_id=cast.guardian.pk)
    request = services.subject_access_prepare(actor=cast.dsl, request_id=request.pk)

    assert request.gathered["subject"]["name"] == "Morgan Alder"
    assert party(request, "Robin Alder").kind == "learner"

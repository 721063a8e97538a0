"""Who may open and use each staff page of consent: every role of one organisation, an outsider
from another, and nobody signed in. Each refusal changes nothing and writes no audit event."""

from collections.abc import Callable
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chaperon.audit.actions import AuditAction
from chaperon.consent import services
from chaperon.consent.attachments import evidence_file
from chaperon.consent.models import (
    Consent,
    ConsentEvidence,
    ConsentRequest,
    OwnRecordingAgreement,
    StaffRecordingConsent,
    StatementVersion,
)
from chaperon.core.actors import SYSTEM
from tests.conftest import Cast, signed_in

from .helpers import ALL_PURPOSES, audit_since, last_seq

pytestmark = pytest.mark.django_db

EVERYONE = ["dsl", "deputy", "slt", "teacher", "teacher2", "ict", "board", "admin", "outsider"]
VIEWERS = {"dsl", "deputy", "slt", "teacher", "teacher2", "admin"}
RECORDERS = {"dsl", "deputy", "admin"}
PDF = b"%PDF-1.4 signed form"


def _client(cast: Cast, name: str) -> Client:
    return Client() if name == "anonymous" else signed_in(cast.user(name))


def _evidence(cast: Cast) -> ConsentEvidence:
    recorded = services.consent_record_by_staff(
        actor=SYSTEM,
        learner=cast.learner,
        guardian_id=cast.guardian.pk,
        answered_by_name="Morgan Alder",
        channel="paper",
        answers={"live_group": "given", "recording": "given"},
        slots=[],
        given_on=date.today(),
        attachment=evidence_file(name="form.pdf", content=PDF),
    )
    return recorded.evidence


def _paths(cast: Cast) -> dict[str, str]:
    evidence = _evidence(cast)
    return {
        "learner": f"/consent/learners/{cast.learner.pk}/",
        "record": f"/consent/learners/{cast.learner.pk}/record/",
        "withdraw": f"/consent/learners/{cast.learner.pk}/withdraw/",
        "own_recording": f"/consent/learners/{cast.learner.pk}/own-recording/",
        "file": f"/consent/files/evidence/{evidence.pk}/",
        "receipt": f"/consent/evidence/{evidence.pk}/receipt.json",
        "receipt_pdf": f"/consent/evidence/{evidence.pk}/receipt.pdf",
        "employer": f"/consent/staff/{cast.teacher.staff.pk}/employer/",
    }


# A receipt names the person who answered, their email address and the child: only those who
# record consent open it (REC-4, ORG-7), not every teacher who may see the consents.
RECORD_PAGES = {"record", "withdraw", "own_recording", "file", "receipt", "receipt_pdf", "employer"}
AUDITED_READS = {
    "learner": AuditAction.CONSENT_RECORD_VIEWED,
    "file": AuditAction.CONSENT_EVIDENCE_VIEWED,
    "receipt": AuditAction.CONSENT_RECEIPT_VIEWED,
    "receipt_pdf": AuditAction.CONSENT_RECEIPT_VIEWED,
}


@pytest.mark.parametrize("page", ["learner", *sorted(RECORD_PAGES)])
@pytest.mark.parametrize("name", EVERYONE)
def test_who_may_open_each_page_about_one_learner_or_staff_member(
    cast: Cast, page: str, name: str
) -> None:
    path = _paths(cast)[page]
    since = last_seq()
    response = _client(cast, name).get(path)
    allowed = RECORDERS if page in RECORD_PAGES else VIEWERS
    if name == "outsider":
        assert response.status_code == 404  # another organisation's records do not exist
    elif name in allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
    read_events = audit_since(since, *set(AUDITED_READS.values()))
    if response.status_code != 200:
        assert read_events == []
    elif page in AUDITED_READS:
        [event] = read_events
        assert (event.action, event.actor_id) == (AUDITED_READS[page], cast.user(name).pk)


@pytest.mark.parametrize(
    "path", ["/consent/groups/", "/consent/statement/", "/consent/staff/", "/consent/staff/mine/"]
)
@pytest.mark.parametrize("name", EVERYONE)
def test_who_may_open_each_organisation_page(cast: Cast, path: str, name: str) -> None:
    cast.learner.year_group = "Year 8"
    cast.learner.save()
    allowed = {
        "/consent/groups/": VIEWERS,
        "/consent/statement/": RECORDERS,
        "/consent/staff/": RECORDERS,
        "/consent/staff/mine/": set(EVERYONE),
    }[path]
    response = _client(cast, name).get(path, {"year_group": "Year 8"})
    if name == "outsider":
        assert response.status_code == 200  # their own organisation's page
        body = response.content.decode()
        assert "Robin Alder" not in body and "Terry Finch" not in body
        return
    assert response.status_code == (200 if name in allowed else 403)
    if path == "/consent/groups/" and name in allowed:
        assert "Robin Alder" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/consent/learners/1/",
        "/consent/learners/1/send/",
        "/consent/learners/1/record/",
        "/consent/learners/1/withdraw/",
        "/consent/learners/1/own-recording/",
        "/consent/files/evidence/1/",
        "/consent/evidence/1/receipt.json",
        "/consent/evidence/1/receipt.pdf",
        "/consent/groups/",
        "/consent/groups/send/",
        "/consent/statement/",
        "/consent/staff/",
        "/consent/staff/mine/",
        "/consent/staff/1/employer/",
    ],
)
def test_staff_pages_send_anyone_not_signed_in_to_sign_in(cast: Cast, path: str) -> None:
    response = Client().post(path) if path.endswith("send/") else Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def _send(cast: Cast, client: Client) -> int:
    return client.post(
        f"/consent/learners/{cast.learner.pk}/send/",
        {"purposes": ALL_PURPOSES, "guardians": [cast.guardian.pk]},
    ).status_code


def _bulk(cast: Cast, client: Client) -> int:
    cast.learner.year_group = "Year 8"
    cast.learner.save()
    return client.post(
        "/consent/groups/send/",
        {"year_group": "Year 8", "learners": [cast.learner.pk], "purposes": ["live_group"]},
    ).status_code


def _record(cast: Cast, client: Client) -> int:
    return client.post(
        f"/consent/learners/{cast.learner.pk}/record/",
        {
            "answered_by": str(cast.guardian.pk),
            "answered_by_name": "Morgan Alder",
            "channel": "paper",
            "given_on": date.today().isoformat(),
            "live_group": "given",
            "attachment": SimpleUploadedFile("form.pdf", PDF, "application/pdf"),
        },
    ).status_code


def _own_recording(cast: Cast, client: Client) -> int:
    return client.post(
        f"/consent/learners/{cast.learner.pk}/own-recording/",
        {
            "recorded_by_name": "Morgan Alder",
            "purpose": "Revision",
            "agreed_on": date.today().isoformat(),
            "kept_until": date.today().isoformat(),
            "attachment": SimpleUploadedFile("agreement.pdf", PDF, "application/pdf"),
        },
    ).status_code


def _employer(cast: Cast, client: Client) -> int:
    return client.post(
        f"/consent/staff/{cast.teacher.staff.pk}/employer/",
        {
            "employer_name": "Bright Tutors Ltd",
            "answer": "given",
            "attachment": SimpleUploadedFile("letter.pdf", PDF, "application/pdf"),
        },
    ).status_code


ACTIONS: dict[str, tuple[Callable[[Cast, Client], int], set[str], Callable[[Cast], int]]] = {
    "send": (_send, VIEWERS, lambda cast: ConsentRequest.objects.count()),
    "bulk send": (_bulk, VIEWERS, lambda cast: ConsentRequest.objects.count()),
    "record": (_record, RECORDERS, lambda cast: ConsentEvidence.objects.count()),
    "own recording": (
        _own_recording,
        RECORDERS,
        lambda cast: OwnRecordingAgreement.objects.count(),
    ),
    "employer": (_employer, RECORDERS, lambda cast: StaffRecordingConsent.objects.count()),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("name", EVERYONE)
def test_who_may_change_consent(cast: Cast, action: str, name: str) -> None:
    act, allowed, count = ACTIONS[action]
    before, since = count(cast), last_seq()
    status = act(cast, _client(cast, name))
    if name in allowed:
        assert status == 302
        assert count(cast) == before + 1
        assert any(event.actor_id == cast.user(name).pk for event in audit_since(since))
        return
    assert count(cast) == before
    assert audit_since(since) == []
    if name == "outsider":
        # Another organisation's learner or staff member does not exist for them; a bulk
        # request naming one is refused by the form.
        assert status in {404, 302}
    else:
        assert status == 403


@pytest.mark.parametrize("name", EVERYONE)
def test_who_may_record_a_withdrawal(cast: Cast, name: str) -> None:
    _evidence(cast)
    since = last_seq()
    response = _client(cast, name).post(
        f"/consent/learners/{cast.learner.pk}/withdraw/",
        {
            "purposes": ["recording"],
            "withdrawn_by_name": "Morgan Alder",
            "channel": "phone",
            "reason": "Rang the office",
        },
    )
    current = Consent.objects.get(purpose="recording", superseded_at__isnull=True)
    if name in RECORDERS:
        assert response.status_code == 302
        assert current.answer == "withdrawn"
        return
    assert response.status_code == (404 if name == "outsider" else 403)
    assert current.answer == "given"
    assert audit_since(since) == []


@pytest.mark.parametrize("name", EVERYONE)
def test_who_may_change_the_statement(cast: Cast, name: str) -> None:
    services.statement_current(organisation=cast.organisation)
    since = last_seq()
    data = {
        "intro": "Our own opening",
        "parent_information": "Our own advice",
        "what_is_recorded": "Video",
        "why_recorded": "Safety",
        "where_kept": "Vault",
        "retention_days": "30",
        "who_may_see": "DSL",
        "how_destroyed": "Deleted",
        "consent_valid_months": "12",
        "expiry_warning_days": "30",
        "reminder_interval_days": "3",
    }
    response = _client(cast, name).post("/consent/statement/", data)
    ours = StatementVersion.objects.filter(organisation=cast.organisation)
    if name in RECORDERS:
        assert response.status_code == 302
        assert ours.count() == 2
        return
    assert ours.count() == 1
    if name == "outsider":  # changes their own organisation's statement only
        assert response.status_code == 302
        assert StatementVersion.objects.filter(organisation=cast.other_organisation).exists()
    else:
        assert response.status_code == 403
        assert audit_since(since) == []


@pytest.mark.clause("REC-4")
@pytest.mark.parametrize("name", EVERYONE)
def test_every_member_of_staff_answers_for_themself(cast: Cast, name: str) -> None:
    user = cast.user(name)
    response = _client(cast, name).post(
        "/consent/staff/mine/", {"answer": "given", "employer_name": ""}
    )
    assert response.status_code == 302
    [row] = StaffRecordingConsent.objects.all()
    assert (row.staff.user, row.entered_by, row.answer) == (user, user, "given")

"""The consent statement: the organisation's own words, the recording policy made from its
settings and the parent information, each save a new immutable version with its hash."""

import hashlib

import pytest
from django.test import Client

from chaperon.audit.actions import AuditAction
from chaperon.consent import services
from chaperon.consent.models import (
    ConsentSettings,
    ImmutableError,
    RecordingPolicy,
    StatementVersion,
)
from chaperon.consent.selectors import latest_statement
from chaperon.core.exceptions import ValidationFailed
from tests.conftest import Cast, signed_in

from .helpers import agree_to_all_but, answer_token, audit_since, form_data, last_seq, send_request

pytestmark = [pytest.mark.django_db, pytest.mark.clause("REC-3"), pytest.mark.clause("REC-5")]


def _editor_form(cast: Cast, client: Client) -> dict[str, object]:
    form = client.get("/consent/statement/").context["form"]
    data = {name: form[name].value() for name in form.fields}
    return {name: "" if value is None else value for name, value in data.items()}


def test_the_first_request_uses_the_default_statement_as_version_one(cast: Cast) -> None:
    assert latest_statement(cast.organisation.pk) is None
    since = last_seq()
    consent_request = send_request(cast.teacher, cast.learner)
    version = consent_request.statement
    assert version.number == 1 and version.created_by is None
    assert version.sha256 == hashlib.sha256(version.text.encode("utf-8")).hexdigest()
    assert version.text.startswith("Harbour View School: consent for online sessions")
    assert "Recording policy" in version.text
    assert "Information for parents and carers" in version.text
    assert "lasts 12 months" in version.text
    [saved] = audit_since(since, AuditAction.CONSENT_STATEMENT_SAVED)
    assert saved.details == {"number": 1, "sha256": version.sha256}


@pytest.mark.clause("SES-8")
def test_the_dsl_edits_the_statement_and_each_save_is_a_new_version(cast: Cast) -> None:
    client = signed_in(cast.dsl)
    data = _editor_form(cast, client)
    data.update(
        {
            "retention_days": "90",
            "parent_information": "Please keep the device in a shared room.",
            "consent_valid_months": "10",
            "reminder_interval_days": "4",
            "reason": "Annual review",
        }
    )
    since = last_seq()
    response = client.post("/consent/statement/", data, follow=True)
    assert "Statement version 1 saved." in response.content.decode()
    version = StatementVersion.objects.get()
    assert "How long they are kept: 90 days after the session" in version.text
    assert "Please keep the device in a shared room." in version.text
    assert "lasts 10 months" in version.text
    assert version.created_by == cast.dsl
    assert RecordingPolicy.objects.get().retention_days == 90
    assert ConsentSettings.objects.get().reminder_interval_days == 4
    saved, changed = (
        audit_since(since, AuditAction.CONSENT_STATEMENT_SAVED),
        audit_since(since, AuditAction.CONSENT_SETTINGS_CHANGED),
    )
    assert [(e.actor_id, e.reason) for e in saved] == [(cast.dsl.pk, "Annual review")]
    assert set(changed[0].details["changed"]) == {
        "retention_days",
        "consent_valid_months",
        "reminder_interval_days",
    }

    # Saving the same text again makes no version; a settings-only change makes none either.
    data["reminder_interval_days"] = "5"
    again = client.post("/consent/statement/", data, follow=True)
    assert "The statement text did not change" in again.content.decode()
    assert StatementVersion.objects.count() == 1
    data["intro"] = "We ask for your consent."
    client.post("/consent/statement/", data)
    assert list(StatementVersion.objects.values_list("number", flat=True)) == [2, 1]


def test_answers_keep_the_version_they_were_given_to(cast: Cast) -> None:
    consent_request = send_request(cast.teacher, cast.learner)
    first = consent_request.statement
    services.statement_save(
        actor=cast.dsl,
        organisation=cast.organisation,
        intro="A shorter opening.",
        parent_information=first.parent_information,
        recording={},
        settings={},
    )
    Client().post(f"/consent/r/{answer_token(consent_request)}/", form_data(agree_to_all_but()))
    evidence = consent_request.evidence.get()
    assert (evidence.statement, evidence.statement_sha256) == (first, first.sha256)
    assert latest_statement(cast.organisation.pk).number == 2  # type: ignore[union-attr]
    first.refresh_from_db()
    assert first.sha256 == hashlib.sha256(first.text.encode()).hexdigest()


def test_a_version_is_never_changed(cast: Cast) -> None:
    version = send_request(cast.teacher, cast.learner).statement
    version.text = "Something else"
    with pytest.raises(ImmutableError):
        version.save()


def test_a_statement_without_an_opening_or_with_bad_settings_is_refused(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.statement_save(
            actor=cast.dsl,
            organisation=cast.organisation,
            intro="   ",
            parent_information="Text",
            recording={},
            settings={},
        )
    assert "intro" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:
        services.statement_save(
            actor=cast.dsl,
            organisation=cast.organisation,
            intro="Opening",
            parent_information="Text",
            recording={"retention_days": 0},
            settings={},
        )
    assert "retention_days" in refused.value.errors
    assert not StatementVersion.objects.exists()
    assert not RecordingPolicy.objects.exists()


def test_a_published_version_can_be_read_by_anyone(cast: Cast) -> None:
    version = send_request(cast.teacher, cast.learner).statement
    page = Client().get(f"/consent/statements/{cast.organisation.slug}/1/")
    assert page.status_code == 200
    assert version.sha256 in page.content.decode()
    assert Client().get(f"/consent/statements/{cast.organisation.slug}/2/").status_code == 404

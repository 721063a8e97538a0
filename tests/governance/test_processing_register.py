"""The register of personal information (ORG-7) is generated from declarations next to the
data: every model of Chaperon that plainly holds personal data is declared by its app (or
listed here with the reason it holds none), declarations name only real models, and images of
people name the written consent they need. The Personal information page shows the register
for the viewer's organisation, with its retention worked out from the organisation's settings,
and a CSV of the same table."""

import csv
import io

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from chaperon.audit.models import AuditEvent
from chaperon.consent.models import ConsentSettings, Purpose, RecordingPolicy
from chaperon.core.processing import UNTIL_SCHEDULE, registered
from chaperon.people.roles import Permission
from chaperon.recordings.models import RecordingAccess
from tests.conftest import Cast, signed_in

pytestmark = pytest.mark.clause("ORG-7")

URL = "/governance/personal-information/"
CSV_URL = "/governance/personal-information/register.csv"

PEOPLE = {"people.user", "people.learner", "people.guardian", "people.staffmember"}
# A field named like one of these, or containing one of them, holds something about a person.
PERSONAL_NAMES = (
    "name",
    "email",
    "phone",
    "address",
    "contact",
    "date_of_birth",
    "description",
    "summary",
    "text",
    "reason",
    "note",
    "body",
    "content",
    "detail",
    "label",
    "outcome",
    "recipients",
    "seen_by",
    "actor_id",
    "person_id",
)
PERSONAL_EXACT = {"to", "raw", "key", "data", "before", "after", "receipt", "errors"}

# Models with a field that looks personal but holds nothing about a person, and why.
HOLDS_NONE: dict[str, str] = {
    "core.periodicrun": "the name of a periodic task and when it last ran",
    "core.heartbeat": "the name, host and process of a worker, to tell whether it is alive",
    "audit.auditchainhead": "the last sequence number and hash of each audit chain",
    "audit.legacychainhead": "the last sequence number and hash of the old audit chain",
    "audit.auditdigest": "the signed digest of each chain's head: numbers and hashes",
    "people.trust": "a trust's name",
    "accounts.singlesignon": "the organisation's sign-in provider, client id, tenant and email "
    "domains: the organisation's, not a person's",
    "people.site": "a site's name and address: the organisation's, not a person's",
    "policy.approvedplatform": "a platform's name, its settings and the organisation's risk "
    "assessment of it",
    "consent.consentsettings": "the organisation's consent settings and its data controller's "
    "published contact, not a person's own",
    "consent.recordingpolicy": "the organisation's recording policy: what, why, where, how long",
    "recordings.track": "a track's label names the stream (camera, screen); the media it "
    "holds is the recording's, declared there",
    "recordings.datakey": "the wrapped key of a recording's media",
    "recordings.trackgap": "when a track had no media",
    "concerns.referencecounter": "the last reference number given in a year",
    "concerns.reportcount": "a count of reports from a hashed address in a window, to limit floods",
    "concerns.spooledreport": "the receipt of a report kept while the database was away, and "
    "when it was replayed; the report itself is the concern, declared there",
    "rooms.room": "a room's state and times; why it ended is a code, never free text",
}


def _looks_personal(field: models.Field) -> bool:
    if field.is_relation and field.related_model is not None:
        return field.related_model._meta.label_lower in PEOPLE
    if isinstance(field, models.FileField | models.EmailField):
        return True
    name = field.name
    return name in PERSONAL_EXACT or any(part in name for part in PERSONAL_NAMES)


def _chaperon_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("chaperon.")
        and not model._meta.abstract
        and not model._meta.proxy
    ]


def _with_personal_data() -> dict[str, list[str]]:
    found = {}
    for model in _chaperon_models():
        fields = [field.name for field in model._meta.get_fields() if _is_own(field)]
        personal = [
            field.name
            for field in model._meta.get_fields()
            if _is_own(field) and _looks_personal(field)  # type: ignore[arg-type]
        ]
        if personal and fields:
            found[model._meta.label_lower] = personal
    return found


def _is_own(field: object) -> bool:
    return getattr(field, "concrete", False) or getattr(field, "many_to_many", False)


def _declared() -> dict[str, object]:
    return {entry.model_label: entry for entry in registered()}


def _undeclared(declared: set[str]) -> dict[str, list[str]]:
    return {
        label: fields
        for label, fields in _with_personal_data().items()
        if label not in declared and label not in HOLDS_NONE
    }


def test_every_model_with_personal_data_is_declared_or_holds_none() -> None:
    missing = _undeclared(set(_declared()))
    assert missing == {}, (
        "Declare these models with register_processing(...) in their app's ready() "
        "(docs/governance.md, Personal information), or list them in HOLDS_NONE with why"
    )


def test_the_search_for_personal_data_finds_what_plainly_is() -> None:
    found = _with_personal_data()
    for label in ("people.learner", "people.guardian", "concerns.concern", "rooms.roomevent"):
        assert label in found
    assert "core.periodicrun" not in found or "core.periodicrun" in HOLDS_NONE


def test_a_model_left_undeclared_is_named_with_its_fields() -> None:
    declared = set(_declared()) - {"rooms.roomevent"}
    assert _undeclared(declared) == {"rooms.roomevent": ["text", "data"]}


def test_declarations_and_exemptions_name_real_models_once() -> None:
    real = {model._meta.label_lower for model in _chaperon_models()}
    assert set(_declared()) - real == set()
    assert set(HOLDS_NONE) - real == set()
    assert set(_declared()) & set(HOLDS_NONE) == set()


def test_the_register_is_not_empty_of_the_people_themselves() -> None:
    declared = _declared()
    for label in PEOPLE:
        assert label in declared


def test_each_declaration_says_what_why_how_long_and_who() -> None:
    for entry in registered():
        assert entry.what and entry.purpose and entry.lawful_basis, entry.model_label
        assert entry.about_whom, entry.model_label
        assert entry.retention, entry.model_label
        assert entry.who_sees, entry.model_label
        for who in entry.who_sees:
            if isinstance(who, str):
                Permission(who)  # a permission's value, or a callable giving a label


def test_images_of_people_name_the_written_consent_they_need() -> None:
    images = [entry for entry in registered() if entry.images]
    assert "recordings.recording" in {entry.model_label for entry in images}
    for entry in images:
        assert entry.consent_purpose in set(Purpose), entry.model_label
    # Every file a person may upload or staff may attach is declared, images or not.
    declared = _declared()
    for model in _chaperon_models():
        if any(isinstance(field, models.FileField) for field in model._meta.get_fields()):
            assert model._meta.label_lower in declared


def test_concerns_are_special_category() -> None:
    declared = _declared()
    for label in ("concerns.concern", "concerns.concernentry", "concerns.concernattachment"):
        assert declared[label].special_category  # type: ignore[attr-defined]


def _rows(client: Client) -> list[dict[str, str]]:
    response = client.get(CSV_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_page_shows_the_register_grouped_by_whom_it_is_about(cast: Cast) -> None:
    response = signed_in(cast.dsl).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    for heading in ("Staff", "Learners", "Parents and carers", "Members of the public who report"):
        assert f">{heading}</h2>" in page
    assert "Recordings of sessions" in page
    assert "Being recorded in live sessions" in page  # the consent images need
    # It shows the register, never a person's record: names of the cast are not on it.
    assert cast.learner.first_name not in page
    assert cast.teacher.full_name not in page


def test_retention_is_worked_out_from_the_organisation_settings(cast: Cast) -> None:
    cast.organisation.meeting_record_retention_years = 9
    cast.organisation.save()
    RecordingPolicy.objects.create(organisation=cast.organisation, retention_days=45)
    ConsentSettings.objects.create(organisation=cast.organisation, consent_valid_months=18)
    rows = {row["model"]: row for row in _rows(signed_in(cast.dsl))}
    assert "9 years" in rows["records.meetingrecord"]["retention"]
    assert "45 days" in rows["recordings.recording"]["retention"]
    # Concerns are kept as the retention schedule says, with its rule in words.
    assert "date of birth plus 25 years" in rows["concerns.concern"]["retention"]
    assert UNTIL_SCHEDULE not in rows["concerns.concern"]["retention"]
    assert "18 months" in rows["consent.consent"]["retention"]
    assert rows["recordings.recording"]["images of people"] == "yes"
    assert rows["recordings.recording"]["consent needed"] == Purpose.RECORDING.label
    assert rows["concerns.concern"]["special category"] == "yes"
    assert "Designated Safeguarding Lead" in rows["concerns.concern"]["who sees it"]


def test_who_plays_recordings_follows_the_organisation_choice(cast: Cast) -> None:
    RecordingAccess.objects.create(organisation=cast.organisation, roles=[], changed_by=cast.dsl)
    rows = {row["model"]: row for row in _rows(signed_in(cast.dsl))}
    assert rows["recordings.recording"]["who sees it"] == "Designated Safeguarding Lead"


def test_the_csv_is_the_same_table_as_the_page(cast: Cast) -> None:
    rows = _rows(signed_in(cast.admin))
    assert {row["model"] for row in rows} == set(_declared())


@pytest.mark.parametrize("who", ["deputy", "slt", "teacher", "ict", "board"])
def test_only_those_who_run_the_organisation_or_lead_safeguarding_see_it(
    cast: Cast, who: str
) -> None:
    client = signed_in(getattr(cast, who))
    before = AuditEvent.objects.count()
    assert client.get(URL).status_code == 403
    assert client.get(CSV_URL).status_code == 403
    assert AuditEvent.objects.count() == before


def test_signed_out_visitors_are_sent_to_sign_in(db: None) -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert "/accounts/" in response["Location"] or "login" in response["Location"]


def test_the_nav_offers_it_to_those_who_may_see_it(cast: Cast) -> None:
    assert URL in signed_in(cast.dsl).get("/dashboard/").content.decode()
    assert URL not in signed_in(cast.teacher).get("/dashboard/").content.decode()

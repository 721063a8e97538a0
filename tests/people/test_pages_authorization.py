"""Who may open which page, over every role of one organisation and an outsider of another."""

import pytest
from django.test import Client

from chaperon.accounts.services import api_token_create
from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.people.models import Organisation, Site
from tests.conftest import Cast, signed_in

EVERYONE = ["dsl", "deputy", "slt", "teacher", "teacher2", "ict", "board", "admin", "outsider"]
SEES_LEARNERS = {"dsl", "deputy", "slt", "teacher", "teacher2", "admin"}
SEES_COMPLIANCE = {"dsl", "deputy", "slt", "admin"}
MANAGES_ORGANISATION = {"dsl", "admin"}


def _client(cast: Cast, name: str) -> Client:
    return Client() if name == "anonymous" else signed_in(cast.user(name))


@pytest.mark.parametrize("path", ["/dashboard/", "/staff/", "/learners/", "/organisation/"])
def test_anonymous_visitors_are_sent_to_sign_in(cast: Cast, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/?next=")


@pytest.mark.parametrize("name", EVERYONE)
def test_learner_list_shows_only_the_viewers_organisation(cast: Cast, name: str) -> None:
    response = _client(cast, name).get("/learners/")
    if name == "outsider":
        assert response.status_code == 200
        body = response.content.decode()
        assert "Rowan" in body and "Alder" not in body
    elif name in SEES_LEARNERS:
        assert response.status_code == 200
        body = response.content.decode()
        assert "Alder" in body and "Rowan" not in body
    else:
        assert response.status_code == 403


@pytest.mark.clause("LOG-2")
@pytest.mark.parametrize("name", EVERYONE)
def test_learner_record_is_shown_only_to_those_who_need_it(cast: Cast, name: str) -> None:
    before = AuditEvent.objects.filter(action=AuditAction.LEARNER_VIEWED).count()
    response = _client(cast, name).get(f"/learners/{cast.learner.pk}/")
    viewed = AuditEvent.objects.filter(action=AuditAction.LEARNER_VIEWED)
    if name in SEES_LEARNERS:
        assert response.status_code == 200
        assert "Morgan Alder" in response.content.decode()
        event = viewed.last()
        assert event is not None
        assert (event.actor_id, event.object_id) == (cast.user(name).pk, str(cast.learner.pk))
    else:
        # Another organisation's learner does not exist as far as the outsider can tell.
        assert response.status_code == (404 if name == "outsider" else 403)
        assert viewed.count() == before


@pytest.mark.parametrize("name", EVERYONE)
def test_staff_compliance_is_shown_only_to_safeguarding_leads(cast: Cast, name: str) -> None:
    response = _client(cast, name).get("/staff/")
    assert response.status_code == 200
    body = response.content.decode()
    if name == "outsider":
        assert "Dana Sefton" not in body
        return
    assert "Dana Sefton" in body and "Olly Outwood" not in body
    assert ("Safeguarding training</th>" in body) == (name in SEES_COMPLIANCE)


@pytest.mark.parametrize("name", EVERYONE)
def test_only_the_dsl_and_administrator_change_organisation_settings(cast: Cast, name: str) -> None:
    form = {
        "name": "Harbour View Academy",
        "time_zone": "Europe/London",
        "working_days": ["1", "2", "3", "4", "5"],
        "working_hours_start": "08:00",
        "working_hours_end": "16:30",
        "senior_leadership_email": "slt@harbour.example",
        "safeguarding_contacts": "",
        "compliance_warning_days": "30",
        "dbs_valid_years": "3",
        "training_valid_years": "1",
        "aup_valid_years": "1",
    }
    events = AuditEvent.objects.count()
    response = _client(cast, name).post("/organisation/", form)
    organisation = Organisation.objects.get(pk=cast.organisation.pk)
    if name in MANAGES_ORGANISATION:
        assert response.status_code == 302
        assert organisation.name == "Harbour View Academy"
        event = AuditEvent.objects.filter(action=AuditAction.ORGANISATION_UPDATED).last()
        assert event is not None and event.actor_id == cast.user(name).pk
        assert "working_hours_start" in event.details["changed"]
    else:
        if name == "outsider":  # acts on their own organisation only
            assert response.status_code == 302
        else:
            assert response.status_code == 403
            assert AuditEvent.objects.count() == events
        assert organisation.name == "Harbour View School"
        assert (
            organisation.working_hours_start.hour == 8 and organisation.working_hours_end.hour == 17
        )


@pytest.mark.parametrize("name", EVERYONE)
def test_only_the_dsl_and_administrator_add_sites(cast: Cast, name: str) -> None:
    response = _client(cast, name).post("/organisation/sites/", {"name": "North campus"})
    added = Site.objects.filter(organisation=cast.organisation, name="North campus").exists()
    assert added == (name in MANAGES_ORGANISATION)
    if name not in MANAGES_ORGANISATION and name != "outsider":
        assert response.status_code == 403


@pytest.mark.parametrize("name", EVERYONE)
def test_staff_record_shows_checks_only_to_safeguarding_leads(cast: Cast, name: str) -> None:
    member = cast.teacher.staff
    response = _client(cast, name).get(f"/staff/{member.pk}/")
    if name == "outsider":
        assert response.status_code == 404
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert "Terry Finch" in body
    assert ("<h2>Checks</h2>" in body) == (name in SEES_COMPLIANCE)
    assert ("Reset authenticator" in body) == (name in MANAGES_ORGANISATION)


def test_times_are_shown_in_the_organisations_time_zone(cast: Cast) -> None:
    cast.organisation.time_zone = "Asia/Tokyo"
    cast.organisation.save()
    token, _secret = api_token_create(actor=cast.dsl, name="Clock check")
    page = signed_in(cast.dsl).get("/accounts/tokens/").content.decode()
    tokyo = token.created_at.astimezone(cast.organisation.zone)
    assert tokyo.strftime("%H:%M") in page

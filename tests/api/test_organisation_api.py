from datetime import time

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.core.actors import SYSTEM
from chaperon.people import services
from chaperon.people.models import Organisation
from tests.conftest import Cast

from .conftest import api_as, events_since, last_seq, people_state


def test_the_organisation_is_read_with_its_sites_and_iso_times(cast: Cast) -> None:
    services.site_create(actor=SYSTEM, organisation=cast.organisation, name="Quay Street")
    services.site_create(actor=SYSTEM, organisation=cast.other_organisation, name="North Campus")

    body = api_as(cast.board).get("/api/organisation").json()

    assert body["name"] == "Harbour View School"
    assert (body["working_hours_start"], body["working_hours_end"]) == ("08:30:00", "17:00:00")
    assert body["working_days"] == "12345"
    assert [site["name"] for site in body["sites"]] == ["Quay Street"]


def test_settings_change_only_as_sent_and_are_audited(cast: Cast) -> None:
    api = api_as(cast.admin)
    seq = last_seq()

    response = api.patch(
        "/api/organisation",
        {"working_days": "123456", "working_hours_start": "07:45", "time_zone": "Europe/Dublin"},
    )

    assert response.status_code == 200
    organisation = Organisation.objects.get(pk=cast.organisation.pk)
    assert organisation.working_days == "123456"
    assert organisation.working_hours_start == time(7, 45)
    assert organisation.working_hours_end == time(17, 0)
    assert organisation.time_zone == "Europe/Dublin"
    [event] = events_since(seq)
    assert event.action == AuditAction.ORGANISATION_UPDATED
    assert event.details == {"changed": ["time_zone", "working_days", "working_hours_start"]}
    assert response.json()["working_hours_start"] == "07:45:00"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"working_hours_end": "07:00"}, "working_hours_end"),
        ({"time_zone": "London"}, "time_zone"),
        ({"working_days": "1238"}, "working_days"),
        ({"senior_leadership_email": "slt at harbour"}, "senior_leadership_email"),
        ({"compliance_warning_days": -1}, "compliance_warning_days"),
        ({"slug": "harbour"}, "slug"),
        ({"is_demo": True}, "is_demo"),
        ({"name": None}, "name"),
    ],
)
def test_a_refused_setting_names_the_field_and_changes_nothing(
    cast: Cast, change: dict[str, object], field: str
) -> None:
    api = api_as(cast.dsl)
    before, seq = people_state(), last_seq()

    response = api.patch("/api/organisation", change)

    assert response.status_code == 422, response.content
    body = response.json()
    assert list(body["errors"]) == [field]
    assert body["detail"].startswith(f"{field}: ")
    assert people_state() == before
    assert events_since(seq) == []

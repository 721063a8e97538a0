"""Who does an action of the meeting record is chosen with a picker: a member of staff of the
organisation, found by name, never one from elsewhere."""

from datetime import date, timedelta

from chaperon.records.models import MeetingRecord
from tests.conftest import Cast, signed_in

from .helpers import SUMMARY, ended_session


def _form(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "method": "chaperon_room",
        "summary": SUMMARY,
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-0-description": "Send the open evening details",
        "actions-0-due_on": (date.today() + timedelta(days=7)).isoformat(),
    }
    form.update(changes)
    return form


def test_an_owner_from_another_organisation_is_refused(cast: Cast) -> None:
    session = ended_session(cast)
    response = signed_in(cast.teacher).post(
        f"/sessions/{session.pk}/record/write/", _form(**{"actions-0-owner": cast.outsider.pk})
    )
    body = response.content.decode()
    assert "Action 1, who will do it (a member of staff): someone chosen cannot be" in body
    assert "Olly Outwood" not in body
    assert not MeetingRecord.objects.exists()


def test_find_offers_the_staff_found_and_keeps_the_summary(cast: Cast) -> None:
    session = ended_session(cast)
    client = signed_in(cast.teacher)
    found = client.post(
        f"/sessions/{session.pk}/record/write/",
        _form(**{"actions-0-owner-search": "marsh", "search": "actions-0-owner"}),
    )
    body = found.content.decode()
    assert found.status_code == 200
    assert f'name="actions-0-owner" value="{cast.teacher2.pk}"' in body
    assert SUMMARY in body
    assert not MeetingRecord.objects.exists()
    saved = client.post(
        f"/sessions/{session.pk}/record/write/", _form(**{"actions-0-owner": cast.teacher2.pk})
    )
    assert saved.status_code == 302
    [action] = MeetingRecord.objects.get().actions.all()
    assert action.owner == cast.teacher2

"""The booking form's pickers: only the organisation's people are accepted, whatever a
browser sends; Find works without JavaScript; the page never lists the organisation."""

from chaperon.audit.models import AuditEvent
from chaperon.people.models import Learner
from chaperon.sessions.models import Session
from tests import factories
from tests.conftest import Cast, signed_in
from tests.sessions.helpers import consent_for, next_weekday_at


def _form(cast: Cast, **changes: object) -> dict[str, object]:
    start = next_weekday_at(10)
    form: dict[str, object] = {
        "kind": "one_to_one",
        "title": "Careers conversation",
        "day": start.date().isoformat(),
        "start_time": "10:00",
        "duration_minutes": "40",
        "learners": [cast.learner.pk],
        "named_adult": "Morgan Alder",
        "taking_part": "video",
        "conversation_plan": "Careers options and next steps.",
        "crisis_plan": "Call the DSL; the named adult stays near.",
        "platform": "builtin",
    }
    form.update(changes)
    return form


def test_another_organisations_learner_is_refused_naming_the_field(cast: Cast) -> None:
    consent_for(cast.learner, cast.dsl)
    events = AuditEvent.objects.count()
    response = signed_in(cast.teacher).post(
        "/sessions/book/", _form(cast, learners=[cast.outsider_learner.pk])
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Learners: someone chosen cannot be chosen here" in body
    assert "Jamie Rowan" not in body  # the outsider's learner is not even named
    assert not Session.objects.exists()
    assert AuditEvent.objects.count() == events


def test_another_organisations_member_of_staff_is_refused(cast: Cast) -> None:
    consent_for(cast.learner, cast.dsl)
    response = signed_in(cast.teacher).post(
        "/sessions/book/", _form(cast, kind="group", other_staff=[cast.outsider.pk])
    )
    assert response.status_code == 400
    assert "Other staff taking part: someone chosen cannot be chosen here" in (
        response.content.decode()
    )
    assert "Olly Outwood" not in response.content.decode()
    assert not Session.objects.exists()


def test_find_without_javascript_keeps_what_was_chosen_and_typed(cast: Cast) -> None:
    client = signed_in(cast.teacher)
    found = client.post(
        "/sessions/book/",
        _form(cast, **{"other_staff-search": "laurel", "search": "other_staff"}),
    )
    body = found.content.decode()
    assert found.status_code == 200
    assert "1 found for “laurel”" in body
    assert f'name="other_staff" value="{cast.slt.pk}"' in body and "Sam Laurel" in body
    # Robin stays chosen, the title stays typed, and nothing is booked or refused.
    assert f'name="learners" value="{cast.learner.pk}" id="id_learners_1" checked' in body
    assert 'value="Careers conversation"' in body
    assert "There is a problem" not in body
    assert not Session.objects.exists()

    consent_for(cast.learner, cast.dsl)
    booked = client.post(
        "/sessions/book/", _form(cast, kind="group", other_staff=[cast.slt.pk], named_adult="")
    )
    assert booked.status_code == 302
    assert set(Session.objects.get().staff.all()) == {cast.teacher, cast.slt}


def test_the_booking_page_does_not_grow_with_the_organisation(cast: Cast) -> None:
    client = signed_in(cast.teacher)
    small = client.get("/sessions/book/").content.decode()
    for number in range(60):
        factories.learner(cast.organisation, first_name="Pupil", last_name=f"Number{number:02}")
        factories.staff(cast.organisation, name=f"Staff Member{number:02}")
    large = client.get("/sessions/book/").content.decode()
    assert Learner.objects.filter(organisation=cast.organisation).count() == 61
    assert "Pupil" not in large and "Robin Alder" not in large and "Member0" not in large
    assert abs(len(large) - len(small)) < 100  # the CSRF token and ids aside, the same page

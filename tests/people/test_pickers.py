"""The pickers' search: signed-in staff only, the viewer's organisation only, what the
viewer's role may choose, a few results, names and year groups and nothing more."""

import pytest
from django import forms
from django.test import Client

from chaperon.people.models import Learner, User
from chaperon.people.pickers import PICK_RESULTS, PeopleField, offer_people
from tests import factories
from tests.conftest import Cast, signed_in


def _pick(client: Client, kind: str, q: str) -> tuple[int, dict]:
    response = client.get(f"/people/pick/{kind}/", {"q": q})
    return response.status_code, response.json()


def _labels(answer: dict) -> list[str]:
    return [row["label"] for row in answer["results"]]


def test_a_teacher_finds_a_learner_by_name_with_the_year_group(cast: Cast) -> None:
    factories.learner(cast.organisation, first_name="Quinn", last_name="Hawthorn", year_group="9")
    status, answer = _pick(signed_in(cast.teacher), "learners", "hawth")
    assert status == 200
    assert _labels(answer) == ["Quinn Hawthorn (9)"]
    assert answer["more"] is False
    # Nothing of the record beyond what the form shows.
    assert set(answer["results"][0]) == {"id", "label"}


def test_learners_are_found_by_year_group_too(cast: Cast) -> None:
    factories.learner(cast.organisation, first_name="Ash", last_name="Byrne", year_group="Year 7")
    factories.learner(cast.organisation, first_name="Bea", last_name="Cole", year_group="Year 8")
    _, answer = _pick(signed_in(cast.teacher), "learners", "year 7")
    assert _labels(answer) == ["Ash Byrne (Year 7)"]


@pytest.mark.parametrize("kind", ["learners", "staff", "guardians"])
def test_another_organisations_people_are_never_found(cast: Cast, kind: str) -> None:
    factories.staff(cast.other_organisation, name="Jamie Rowanson")
    client = signed_in(cast.dsl)
    for search in ["Rowan", "Jamie", "Casey"]:
        status, answer = _pick(client, kind, search)
        assert status == 200 and answer["results"] == []
    # The outsider finds their own.
    status, answer = _pick(signed_in(cast.outsider), kind, "Rowan")
    assert status == 200 and answer["results"]


def test_staff_and_guardians_are_found_by_name(cast: Cast) -> None:
    dsl = signed_in(cast.dsl)
    assert _labels(_pick(dsl, "staff", "laurel")[1]) == ["Sam Laurel"]
    assert _labels(_pick(dsl, "guardians", "morgan")[1]) == ["Morgan Alder"]


def test_a_signed_out_visitor_is_refused_and_shown_nobody(cast: Cast) -> None:
    for kind in ["learners", "staff", "guardians"]:
        response = Client().get(f"/people/pick/{kind}/", {"q": "Robin"})
        assert response.status_code == 401
        assert "Robin" not in response.content.decode()


@pytest.mark.parametrize(("who", "kind"), [("ict", "learners"), ("board", "guardians")])
def test_a_role_that_may_not_see_learners_is_refused(cast: Cast, who: str, kind: str) -> None:
    status, answer = _pick(signed_in(cast.user(who)), kind, "Alder")
    assert status == 403
    assert "results" not in answer and "Alder" not in str(answer)


def test_an_inactive_member_of_staff_is_refused_and_not_found(cast: Cast) -> None:
    User.objects.filter(pk=cast.teacher2.pk).update(is_active=False)
    assert _pick(signed_in(cast.dsl), "staff", "Marsh")[1]["results"] == []


def test_at_most_twenty_are_sent_and_more_is_said(cast: Cast) -> None:
    for number in range(PICK_RESULTS + 5):
        factories.learner(cast.organisation, first_name="Pupil", last_name=f"Number{number:02}")
    status, answer = _pick(signed_in(cast.teacher), "learners", "pupil")
    assert status == 200
    assert len(answer["results"]) == PICK_RESULTS and answer["more"] is True


def test_an_empty_or_overlong_search_finds_nobody(cast: Cast) -> None:
    teacher = signed_in(cast.teacher)
    assert _pick(teacher, "learners", "  ")[1]["results"] == []
    status, answer = _pick(teacher, "learners", "x" * 101)
    assert status == 400 and "at most 100" in answer["error"]
    assert signed_in(cast.teacher).get("/people/pick/wizards/", {"q": "a"}).status_code == 404


class _Pick(forms.Form):
    learners = PeopleField(kind="learners", multiple=True, label="Learners")
    owner = PeopleField(kind="staff", label="Owner", required=False, blank="Nobody")


def _form(cast: Cast, data: dict | None = None, **kwargs: object) -> _Pick:
    form = _Pick(data, **kwargs)  # type: ignore[arg-type]
    offer_people(form, "learners", Learner.objects.filter(organisation=cast.organisation))
    offer_people(form, "owner", User.objects.filter(pk__in=[cast.dsl.pk, cast.deputy.pk]))
    return form


def test_the_field_accepts_only_the_people_it_offers(cast: Cast) -> None:
    ok = _form(cast, {"learners": [cast.learner.pk], "owner": cast.dsl.pk})
    assert ok.is_valid(), ok.errors
    assert ok.cleaned_data == {"learners": [cast.learner], "owner": cast.dsl}

    outsider = _form(cast, {"learners": [cast.learner.pk, cast.outsider_learner.pk]})
    assert not outsider.is_valid()
    assert "cannot be chosen here" in outsider.errors["learners"][0]

    not_offered = _form(cast, {"learners": [cast.learner.pk], "owner": cast.teacher.pk})
    assert not not_offered.is_valid() and "cannot be chosen here" in not_offered.errors["owner"][0]

    for bad in (["abc"], [cast.learner.pk, "1; drop"]):
        assert "learners" in _form(cast, {"learners": bad}).errors
    two = _form(cast, {"learners": [cast.learner.pk], "owner": [cast.dsl.pk, cast.deputy.pk]})
    assert "choose only one" in two.errors["owner"][0]
    nobody = _form(cast, {"learners": [cast.learner.pk], "owner": ""})
    assert nobody.is_valid() and nobody.cleaned_data["owner"] is None


def test_the_field_shows_the_chosen_and_what_was_searched_for_only(cast: Cast) -> None:
    for number in range(30):
        factories.learner(cast.organisation, first_name="Pupil", last_name=f"Number{number:02}")
    chosen = Learner.objects.get(last_name="Number07")
    html = str(_form(cast, initial={"learners": [chosen.pk]})["learners"])
    assert "Pupil Number07" in html and "Pupil Number08" not in html and "Robin" not in html
    assert f'value="{chosen.pk}"' in html and "checked" in html

    searched = _form(cast, initial={"learners": [], "learners-search": "number1"})
    html = str(searched["learners"])
    assert html.count('type="checkbox"') == 10 and "10 found for “number1”" in html
    # The outsider's learner is never shown, even when chosen by a crafted value.
    crafted = _form(cast, initial={"learners": [cast.outsider_learner.pk]})
    assert "Jamie" not in str(crafted["learners"])

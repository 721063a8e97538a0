"""The self-review (ORG-8): every aspect rated on five levels with a commentary, kept per date,
shown beside the review before with a radar chart by element, the figure Chaperon measures
beside an aspect it can measure, and who may make one (nothing saved on a refusal)."""

from datetime import date, timedelta

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.governance.models import SelfReview, SelfReviewRating
from chaperon.governance.self_review import ASPECT_KEYS, ASPECTS, ELEMENTS
from chaperon.governance.services import self_review_record
from chaperon.people.models import StaffMember
from tests.conftest import Cast, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.clause("ORG-8")]


def _ratings(level: int, **levels: int) -> dict[str, tuple[int | None, str]]:
    return {key: (levels.get(key, level), f"Evidence for {key}") for key in ASPECT_KEYS}


def _form(level: int, on: date, **levels: int) -> dict[str, str]:
    data = {"reviewed_on": on.isoformat()}
    for key in ASPECT_KEYS:
        data[f"{key}_level"] = str(levels.get(key, level))
        data[f"{key}_commentary"] = f"Evidence for {key}"
    return data


def test_the_aspects_are_grouped_in_elements_and_derived_from_clauses() -> None:
    assert {aspect.element for aspect in ASPECTS} == set(ELEMENTS)
    assert len(set(ASPECT_KEYS)) == len(ASPECTS)
    clauses = {clause for aspect in ASPECTS for clause in aspect.clauses}
    assert {"ORG-1", "ORG-3", "ORG-5", "ORG-7", "INC-1", "REC-1"} <= clauses


def test_a_self_review_is_kept_per_date_and_compared_with_the_last(cast: Cast) -> None:
    today = cast.organisation.today()
    first = self_review_record(
        actor=cast.dsl, reviewed_on=today - timedelta(days=200), ratings=_ratings(2)
    )
    client = signed_in(cast.slt)
    response = client.post("/governance/self-review/new/", _form(3, today, training=5))
    assert response.status_code == 302
    second = SelfReview.objects.exclude(pk=first.pk).get()
    assert second.reviewed_by == cast.slt
    assert second.ratings.count() == len(ASPECTS)
    assert SelfReviewRating.objects.get(review=second, aspect="training").level == 5
    assert AuditEvent.objects.filter(action=AuditAction.SELF_REVIEW_RECORDED).count() == 2

    page = client.get(f"/governance/self-review/{second.pk}/")
    assert page.status_code == 200
    shown = page.context["shown"]
    assert shown.previous == first
    training = next(rated for rated in shown.aspects if rated.aspect.key == "training")
    assert (training.level, training.previous) == (5, 2)
    staff = {e: (m, b) for e, m, b in shown.elements}["Staff and training"]
    assert staff == (5.0, 2.0)
    # The radar chart, drawn on the server, with its text alternative and the table beside it.
    assert page.text.count('src="data:image/png;base64,') == 1
    assert "beside the review before" in page.text
    # The listing shows both, newest first, with their mean levels.
    listing = client.get("/governance/self-review/").context["reviews"]
    assert listing[0][0].pk == second.pk
    assert listing[1][1] == 2.0
    # The first is shown as the first: nothing before it.
    assert client.get(f"/governance/self-review/{first.pk}/").context["shown"].previous is None


def test_the_measured_figure_is_shown_beside_the_rating(cast: Cast) -> None:
    StaffMember.objects.filter(user=cast.teacher).update(safeguarding_training_on=None)
    review = self_review_record(
        actor=cast.dsl, reviewed_on=cast.organisation.today(), ratings=_ratings(3)
    )
    shown = signed_in(cast.dsl).get(f"/governance/self-review/{review.pk}/").context["shown"]
    training = next(rated for rated in shown.aspects if rated.aspect.key == "training")
    # 7 of the 8 staff have every check current.
    assert training.measured.startswith("88% of staff")
    roles = next(rated for rated in shown.aspects if rated.aspect.key == "roles")
    assert roles.measured == ""


def test_every_aspect_is_rated_or_nothing_is_saved(cast: Cast) -> None:
    ratings = _ratings(3)
    ratings["training"] = (None, "")
    ratings["filtering"] = (9, "x" * 2001)
    with pytest.raises(ValidationFailed) as refused:
        self_review_record(actor=cast.dsl, reviewed_on=cast.organisation.today(), ratings=ratings)
    assert set(refused.value.errors) == {
        "training_level",
        "filtering_level",
        "filtering_commentary",
    }
    assert "choose a level from 1 to 5" in refused.value.errors["training_level"]
    with pytest.raises(ValidationFailed) as refused:
        self_review_record(
            actor=cast.dsl,
            reviewed_on=cast.organisation.today() + timedelta(days=1),
            ratings=_ratings(3),
        )
    assert "reviewed_on" in refused.value.errors
    data = _form(3, cast.organisation.today())
    data["roles_level"] = ""
    response = signed_in(cast.dsl).post("/governance/self-review/new/", data)
    assert response.status_code == 400
    assert "Level: Safeguarding roles and contacts" in response.text
    assert not SelfReview.objects.exists()
    assert not SelfReviewRating.objects.exists()


@pytest.mark.parametrize("name", ["deputy", "board"])
def test_readers_may_not_make_one_and_nothing_is_saved(cast: Cast, name: str) -> None:
    client = signed_in(cast.user(name))
    assert client.get("/governance/self-review/").status_code == 200
    assert client.get("/governance/self-review/new/").status_code == 403
    response = client.post("/governance/self-review/new/", _form(3, cast.organisation.today()))
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        self_review_record(
            actor=cast.user(name), reviewed_on=cast.organisation.today(), ratings=_ratings(3)
        )
    assert not SelfReview.objects.exists()


@pytest.mark.parametrize("name", ["teacher", "ict", "admin"])
def test_others_do_not_see_the_self_review(cast: Cast, name: str) -> None:
    review = self_review_record(
        actor=cast.dsl, reviewed_on=cast.organisation.today(), ratings=_ratings(3)
    )
    client = signed_in(cast.user(name))
    assert client.get("/governance/self-review/").status_code == 403
    assert client.get(f"/governance/self-review/{review.pk}/").status_code == 403


def test_another_schools_self_review_is_not_found(cast: Cast) -> None:
    review = self_review_record(
        actor=cast.dsl, reviewed_on=cast.organisation.today(), ratings=_ratings(3)
    )
    assert signed_in(cast.outsider).get(f"/governance/self-review/{review.pk}/").status_code == 404

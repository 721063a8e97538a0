"""The self-review's evidence and action plan (ORG-8): each aspect links to the pages of
Chaperon that hold its evidence; each aspect has actions with an owner (found with the people
picker), a due day and done or not; overdue actions are shown; actions still open are carried
into the next self-review; changes are audited and refusals change nothing."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.governance.models import SelfReview, SelfReviewAction
from chaperon.governance.self_review import ASPECT_KEYS, EVIDENCE, LEVELS
from chaperon.governance.services import (
    self_review_action_add,
    self_review_action_mark,
    self_review_record,
)
from chaperon.people.models import User
from tests.conftest import Cast, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.clause("ORG-8")]


def _ratings(level: int) -> dict[str, tuple[int | None, str]]:
    return dict.fromkeys(ASPECT_KEYS, (level, ""))


def _review(cast: Cast, days_ago: int = 0, level: int = 3) -> SelfReview:
    on = cast.organisation.today() - timedelta(days=days_ago)
    return self_review_record(actor=cast.dsl, reviewed_on=on, ratings=_ratings(level))


def _action(cast: Cast, review: SelfReview, owner: User, due_in: int, aspect: str = "training"):
    return self_review_action_add(
        actor=cast.dsl,
        review=review,
        aspect=aspect,
        action="Check every certificate",
        owner=owner,
        due_on=cast.organisation.today() + timedelta(days=due_in),
    )


def test_every_aspect_names_pages_that_exist_for_its_evidence() -> None:
    assert set(EVIDENCE) == set(ASPECT_KEYS)
    for evidence in EVIDENCE.values():
        for item in evidence:
            assert reverse(item.url_name)
    wanted = {
        "governance:training",
        "governance:agreements",
        "governance:filtering",
        "recordings:list",
        "concerns:list",
        "policy:policy",
        "governance:personal_information",
    }
    assert wanted <= {item.url_name for items in EVIDENCE.values() for item in items}


def test_the_form_and_the_page_show_the_evidence_links_and_each_level_statement(
    cast: Cast,
) -> None:
    client = signed_in(cast.dsl)
    form = client.get("/governance/self-review/new/")
    assert form.text.count('href="/governance/training/"') >= 1
    assert 'href="/governance/personal-information/"' in form.text
    for statement in LEVELS.values():
        assert statement in form.text
    review = _review(cast, level=4)
    page = client.get(f"/governance/self-review/{review.pk}/")
    assert 'href="/concerns/"' in page.text or reverse("concerns:list") in page.text
    assert reverse("governance:filtering") in page.text
    assert LEVELS[4] in page.text


def test_an_action_is_added_with_a_searched_owner_and_audited(cast: Cast) -> None:
    review = _review(cast)
    client = signed_in(cast.dsl)
    page = client.get(f"/governance/self-review/{review.pk}/")
    # The owner is searched for, never chosen from a list of everyone.
    assert "Toni Marsh" not in page.text
    url = f"/governance/self-review/{review.pk}/actions/"
    found = client.post(
        url,
        {
            "action": "Refresh the training",
            "owner-search": "Marsh",
            "search": "owner",
        },
    )
    assert found.status_code == 200
    assert "Toni Marsh" in found.text and "Terry Finch" not in found.text
    assert not SelfReviewAction.objects.exists()
    due = cast.organisation.today() + timedelta(days=30)
    response = client.post(
        url,
        {
            "aspect": "training",
            "action": "Refresh the training",
            "owner": str(cast.teacher2.pk),
            "due_on": due.isoformat(),
        },
    )
    assert response.status_code == 302
    added = SelfReviewAction.objects.get()
    assert (added.review, added.aspect, added.owner, added.due_on) == (
        review,
        "training",
        cast.teacher2,
        due,
    )
    event = AuditEvent.objects.get(action=AuditAction.SELF_REVIEW_ACTION_ADDED)
    assert json.loads(event.data)["owner"] == cast.teacher2.pk
    page = client.get(f"/governance/self-review/{review.pk}/")
    assert "Refresh the training" in page.text and "Toni Marsh" in page.text


def test_bad_actions_are_refused_naming_the_field_and_nothing_changes(cast: Cast) -> None:
    review = _review(cast, days_ago=10)
    client = signed_in(cast.dsl)
    response = client.post(
        f"/governance/self-review/{review.pk}/actions/",
        {
            "aspect": "training",
            "action": "Refresh the training",
            "owner": str(cast.outsider.pk),
            "due_on": "",
        },
    )
    assert response.status_code == 400
    form = response.context["action_form"]
    assert set(form.errors) >= {"owner", "due_on"}
    with pytest.raises(ValidationFailed) as refused:
        self_review_action_add(
            actor=cast.dsl,
            review=review,
            aspect="nonsense",
            action=" ",
            owner=cast.outsider,
            due_on=review.reviewed_on - timedelta(days=1),
        )
    assert set(refused.value.errors) == {"aspect", "action", "owner", "due_on"}
    assert "on or after the review's day" in refused.value.errors["due_on"]
    assert not SelfReviewAction.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.SELF_REVIEW_ACTION_ADDED).exists()


@pytest.mark.parametrize("name", ["deputy", "board", "teacher"])
def test_only_those_who_make_reviews_change_the_plan(cast: Cast, name: str) -> None:
    review = _review(cast)
    action = _action(cast, review, cast.teacher, 10)
    client = signed_in(cast.user(name))
    due = (cast.organisation.today() + timedelta(days=5)).isoformat()
    response = client.post(
        f"/governance/self-review/{review.pk}/actions/",
        {
            "aspect": "roles",
            "action": "x",
            "owner": cast.teacher.pk,
            "due_on": due,
        },
    )
    assert response.status_code == 403
    marked = client.post(f"/governance/self-review/{review.pk}/actions/{action.pk}/", {"done": "1"})
    assert marked.status_code == 403
    with pytest.raises(PermissionDenied):
        self_review_action_mark(
            actor=cast.user(name), review=review, action_id=action.pk, done=True
        )
    assert SelfReviewAction.objects.count() == 1
    action.refresh_from_db()
    assert action.done_on is None
    assert not AuditEvent.objects.filter(action=AuditAction.SELF_REVIEW_ACTION_CHANGED).exists()


def test_another_organisation_cannot_touch_the_plan(cast: Cast) -> None:
    review = _review(cast)
    action = _action(cast, review, cast.teacher, 10)
    client = signed_in(cast.outsider)
    assert (
        client.post(
            f"/governance/self-review/{review.pk}/actions/{action.pk}/", {"done": "1"}
        ).status_code
        == 404
    )
    action.refresh_from_db()
    assert action.done_on is None


def test_actions_are_marked_done_and_not_done_and_overdue_ones_shown(cast: Cast) -> None:
    review = _review(cast, days_ago=20)
    late = _action(cast, review, cast.teacher, -1)
    _action(cast, review, cast.teacher2, 0, aspect="roles")  # due today: not overdue yet
    client = signed_in(cast.slt)
    shown = client.get(f"/governance/self-review/{review.pk}/").context["shown"]
    planned = {p.action.pk: p for rated in shown.aspects for p in rated.actions}
    assert [p.action.pk for p in planned.values() if p.overdue] == [late.pk]
    assert "Overdue" in client.get(f"/governance/self-review/{review.pk}/").text
    response = client.post(f"/governance/self-review/{review.pk}/actions/{late.pk}/", {"done": "1"})
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.done_on == cast.organisation.today()
    shown = client.get(f"/governance/self-review/{review.pk}/").context["shown"]
    assert not any(p.overdue for rated in shown.aspects for p in rated.actions)
    client.post(f"/governance/self-review/{review.pk}/actions/{late.pk}/", {"done": "0"})
    late.refresh_from_db()
    assert late.done_on is None
    changes = AuditEvent.objects.filter(action=AuditAction.SELF_REVIEW_ACTION_CHANGED)
    assert [json.loads(event.data)["done"] for event in changes.order_by("pk")] == [True, False]


def test_open_actions_are_carried_into_the_next_review(cast: Cast) -> None:
    first = _review(cast, days_ago=100)
    open_one = _action(cast, first, cast.teacher, 10)
    done_one = _action(cast, first, cast.teacher2, 10, aspect="roles")
    self_review_action_mark(actor=cast.dsl, review=first, action_id=done_one.pk, done=True)
    second = _review(cast)
    carried = SelfReviewAction.objects.get(review=second)
    assert (carried.carried_from, carried.owner, carried.aspect) == (
        open_one,
        cast.teacher,
        "training",
    )
    event = AuditEvent.objects.get(
        action=AuditAction.SELF_REVIEW_RECORDED, object_id=str(second.pk)
    )
    assert json.loads(event.data)["actions_carried"] == [open_one.pk]
    # The first review shows it carried on, and it is marked in the second, not the first.
    with pytest.raises(ValidationFailed):
        self_review_action_mark(actor=cast.dsl, review=first, action_id=open_one.pk, done=True)
    open_one.refresh_from_db()
    assert open_one.done_on is None
    shown = signed_in(cast.dsl).get(f"/governance/self-review/{first.pk}/").context["shown"]
    assert any(p.carried_on for rated in shown.aspects for p in rated.actions)
    # A third review carries only what is still open in the second.
    self_review_action_mark(actor=cast.dsl, review=second, action_id=carried.pk, done=True)
    third = _review(cast)
    assert not SelfReviewAction.objects.filter(review=third).exists()


def test_reading_a_self_review_is_audited(cast: Cast) -> None:
    review = _review(cast)
    signed_in(cast.board).get(f"/governance/self-review/{review.pk}/")
    event = AuditEvent.objects.get(action=AuditAction.SELF_REVIEW_VIEWED)
    assert event.actor_id == cast.board.pk

"""The annual review of online safety (ORG-6): begun each school year with the previous year's
risks and open actions carried forward, written by the DSL (risks with likelihood, impact,
controls, owner and review date; findings; actions), the year's figures beside the year
before, signed off by the board's safeguarding champion and never changed once signed off (a
change is a new version), and who may do each (nothing changed on a refusal)."""

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.actors import SYSTEM
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.governance.models import AnnualReview, Post, ReviewAction, ReviewRisk
from chaperon.governance.quarters import SchoolYear, school_year_of
from chaperon.governance.services import (
    annual_review_action_add,
    annual_review_action_done,
    annual_review_findings_save,
    annual_review_new_version,
    annual_review_risk_add,
    annual_review_sign_off,
    annual_review_start,
    team_post_give,
)
from chaperon.policy.models import ApprovedPlatform
from tests.concerns.helpers import public_concern
from tests.conftest import Cast, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.clause("ORG-6")]

YEAR = SchoolYear(2025)


def _risk(cast: Cast, review: AnnualReview, **more) -> ReviewRisk:
    fields: dict[str, Any] = {
        "risk": "Learners meet strangers in online games",
        "likelihood": 3,
        "impact": 4,
        "controls": "Filtering; lessons on online contact",
        "owner": cast.dsl,
        "review_on": date(2026, 3, 1),
    }
    fields.update(more)
    return annual_review_risk_add(actor=cast.dsl, review=review, **fields)


def _written(cast: Cast) -> AnnualReview:
    review = annual_review_start(actor=cast.dsl, year=YEAR)
    _risk(cast, review)
    annual_review_findings_save(actor=cast.dsl, review=review, findings="Contact risks rose.")
    annual_review_action_add(
        actor=cast.dsl, review=review, action="Train staff", owner=cast.slt, due_on=date(2026, 1, 9)
    )
    annual_review_action_add(
        actor=cast.dsl,
        review=review,
        action="Review the filter",
        owner=cast.ict,
        due_on=date(2026, 2, 1),
    )
    return review


def _snapshot(review: AnnualReview) -> tuple:
    review.refresh_from_db()
    return (
        review.findings,
        review.signed_off_at,
        list(review.risks.values_list("risk", "likelihood", "impact")),
        list(review.actions.values_list("action", "done_on")),
    )


def test_school_years_begin_in_september() -> None:
    assert school_year_of(date(2026, 8, 31)) == SchoolYear(2025)
    assert school_year_of(date(2026, 9, 1)) == SchoolYear(2026)
    assert SchoolYear(2025).key == "2025-26"
    assert SchoolYear(2025).label == "September 2025 to August 2026"
    assert SchoolYear(2025).last_day == date(2026, 8, 31)


def test_the_dsl_writes_the_review_and_the_champion_signs_it_off(cast: Cast) -> None:
    review = _written(cast)
    risk = review.risks.get()
    assert (risk.likelihood, risk.impact, risk.score, risk.owner) == (3, 4, 12, cast.dsl)
    assert [a.owner for a in review.actions.all()] == [cast.slt, cast.ict]
    team_post_give(actor=SYSTEM, user=cast.board, post=Post.CHAMPION)
    signed = annual_review_sign_off(actor=cast.board, review=review)
    assert signed.signed_off_by == cast.board
    assert signed.signed_off_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.ANNUAL_REVIEW_SIGNED_OFF).count() == 1
    changes = AuditEvent.objects.filter(action=AuditAction.ANNUAL_REVIEW_CHANGED)
    assert sorted(e.details["change"] for e in changes) == [
        "action_added",
        "action_added",
        "findings_saved",
        "risk_added",
    ]


def test_only_the_champion_signs_off_and_a_refusal_changes_nothing(cast: Cast) -> None:
    review = _written(cast)
    before = _snapshot(review)
    # A board member who does not hold the champion's post.
    with pytest.raises(ValidationFailed) as refused:
        annual_review_sign_off(actor=cast.board, review=review)
    assert "safeguarding champion" in refused.value.errors["review"]
    for name in ("dsl", "slt", "deputy"):
        with pytest.raises(PermissionDenied):
            annual_review_sign_off(actor=cast.user(name), review=review)
        response = signed_in(cast.user(name)).post(f"/governance/review/{review.pk}/sign-off/")
        assert response.status_code == 403
    response = signed_in(cast.board).post(f"/governance/review/{review.pk}/sign-off/")
    assert response.status_code == 400
    assert "safeguarding champion" in response.text
    assert _snapshot(review) == before
    assert not AuditEvent.objects.filter(action=AuditAction.ANNUAL_REVIEW_SIGNED_OFF).exists()


def test_a_review_without_findings_or_risks_is_not_signed_off(cast: Cast) -> None:
    team_post_give(actor=SYSTEM, user=cast.board, post=Post.CHAMPION)
    review = annual_review_start(actor=cast.dsl, year=YEAR)
    with pytest.raises(ValidationFailed) as refused:
        annual_review_sign_off(actor=cast.board, review=review)
    assert set(refused.value.errors) == {"findings", "risks"}
    review.refresh_from_db()
    assert review.signed_off_at is None


def test_a_signed_off_version_is_not_changed_and_a_new_version_is(cast: Cast) -> None:
    review = _written(cast)
    team_post_give(actor=SYSTEM, user=cast.board, post=Post.CHAMPION)
    annual_review_sign_off(actor=cast.board, review=review)
    before = _snapshot(review)
    action = review.actions.first()
    assert action is not None
    attempts = [
        lambda: _risk(cast, review, risk="Another"),
        lambda: annual_review_findings_save(actor=cast.dsl, review=review, findings="Changed"),
        lambda: annual_review_action_add(
            actor=cast.dsl, review=review, action="More", owner=cast.dsl, due_on=date(2026, 5, 1)
        ),
        lambda: annual_review_action_done(
            actor=cast.dsl, review=review, action_id=action.pk, done_on=date(2026, 1, 1)
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationFailed) as refused:
            attempt()
        assert "start a new version" in refused.value.errors["review"]
    client = signed_in(cast.dsl)
    response = client.post(f"/governance/review/{review.pk}/findings/", {"findings": "Changed"})
    assert response.status_code == 400
    assert _snapshot(review) == before

    new = annual_review_new_version(actor=cast.dsl, review=review)
    assert (new.year, new.version, new.findings, new.signed_off_at) == (2025, 2, before[0], None)
    assert list(new.risks.values_list("risk", "likelihood", "impact")) == before[2]
    assert list(new.actions.values_list("action", "done_on")) == before[3]
    annual_review_findings_save(actor=cast.dsl, review=new, findings="Revised findings.")
    assert _snapshot(review) == before  # version 1 as signed off
    # Only one version of a year is written at a time.
    with pytest.raises(ValidationFailed) as refused:
        annual_review_new_version(actor=cast.dsl, review=new)
    assert "still being written" in refused.value.errors["review"]
    assert AnnualReview.objects.count() == 2


def test_the_previous_years_open_actions_and_risks_are_carried_forward(cast: Cast) -> None:
    review = _written(cast)
    done = review.actions.get(action="Train staff")
    annual_review_action_done(
        actor=cast.dsl, review=review, action_id=done.pk, done_on=date(2026, 1, 5)
    )
    following = annual_review_start(actor=cast.dsl, year=SchoolYear(2026))
    assert list(following.actions.values_list("action", "owner", "carried_from_year")) == [
        ("Review the filter", cast.ict.pk, 2025)
    ]
    assert list(following.risks.values_list("risk", "owner")) == [
        ("Learners meet strangers in online games", cast.dsl.pk)
    ]
    assert following.findings == ""
    [event] = [
        e
        for e in AuditEvent.objects.filter(action=AuditAction.ANNUAL_REVIEW_STARTED)
        if e.details["year"] == "2026-27"
    ]
    assert event.details["actions_carried"] == 1
    page = signed_in(cast.dsl).get(f"/governance/review/{following.pk}/").text
    assert "carried forward from 2025 to 2026" in page
    # A year is begun once.
    with pytest.raises(ValidationFailed) as refused:
        annual_review_start(actor=cast.dsl, year=SchoolYear(2026))
    assert "already begun" in refused.value.errors["year"]
    assert AnnualReview.objects.filter(year=2026).count() == 1


def test_bad_input_names_the_field_and_saves_nothing(cast: Cast) -> None:
    review = annual_review_start(actor=cast.dsl, year=YEAR)
    with pytest.raises(ValidationFailed) as refused:
        _risk(cast, review, risk="  ", likelihood=7)
    assert set(refused.value.errors) == {"risk", "likelihood"}
    assert "from 1 (very low) to 5 (very high)" in refused.value.errors["likelihood"]
    with pytest.raises(ValidationFailed) as refused:
        _risk(cast, review, owner=cast.outsider)
    assert "owner" in refused.value.errors
    response = signed_in(cast.dsl).post(
        f"/governance/review/{review.pk}/risks/",
        {
            "risk-risk": "Phones in lessons",
            "risk-likelihood": "2",
            "risk-impact": "2",
            "risk-controls": "",
            "risk-owner": str(cast.dsl.pk),
            "risk-review_on": "2026-05-01",
        },
    )
    assert response.status_code == 400
    assert "Controls in place" in response.text
    assert not ReviewRisk.objects.exists()
    assert not ReviewAction.objects.exists()


def test_the_page_shows_the_years_figures_and_each_reading_is_audited(cast: Cast) -> None:
    year = school_year_of(cast.organisation.today())
    public_concern(cast.organisation, about_name="Robin Alder")
    review = annual_review_start(actor=cast.dsl, year=year)
    client = signed_in(cast.board)
    page = client.get(f"/governance/review/{review.pk}/")
    assert page.status_code == 200
    figures = page.context["shown"].figures
    assert [f.period for f in figures] == [year.previous(), year]
    assert [f.concerns.raised for f in figures] == [0, 1]
    assert "Robin" not in page.text and "Alder" not in page.text
    assert "Add a risk" not in page.text  # the board reads; the DSL writes
    event = AuditEvent.objects.get(action=AuditAction.ANNUAL_REVIEW_VIEWED)
    assert (event.actor_id, event.details["year"]) == (cast.board.pk, year.key)


@pytest.mark.parametrize("name", ["teacher", "ict", "admin"])
def test_others_do_not_see_the_review(cast: Cast, name: str) -> None:
    review = _written(cast)
    client = signed_in(cast.user(name))
    assert client.get("/governance/review/").status_code == 403
    assert client.get(f"/governance/review/{review.pk}/").status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.ANNUAL_REVIEW_VIEWED).exists()


@pytest.mark.parametrize("name", ["deputy", "slt", "board"])
def test_readers_do_not_write_and_nothing_changes(cast: Cast, name: str) -> None:
    review = _written(cast)
    before = _snapshot(review)
    client = signed_in(cast.user(name))
    assert client.get(f"/governance/review/{review.pk}/").status_code == 200
    action = review.actions.first()
    assert action is not None
    for path, data in [
        ("findings/", {"findings": "Rewritten"}),
        ("risks/", {"risk-risk": "x"}),
        ("actions/", {"action-action": "x"}),
        (f"actions/{action.pk}/done/", {}),
        ("new-version/", {}),
    ]:
        assert client.post(f"/governance/review/{review.pk}/{path}", data).status_code == 403
    assert client.post("/governance/review/start/", {"year": "2026"}).status_code == 403
    with pytest.raises(PermissionDenied):
        annual_review_findings_save(actor=cast.user(name), review=review, findings="Rewritten")
    assert _snapshot(review) == before
    assert AnnualReview.objects.count() == 1


def test_another_schools_review_is_not_found(cast: Cast) -> None:
    review = _written(cast)
    assert signed_in(cast.outsider).get(f"/governance/review/{review.pk}/").status_code == 404


def _platform(organisation, key: str, at: datetime) -> ApprovedPlatform:
    platform = ApprovedPlatform.objects.create(
        organisation=organisation,
        key=key,
        name=key.title(),
        risk_assessed_on=at.date(),
        risk_assessment="Assessed.",
    )
    ApprovedPlatform.objects.filter(pk=platform.pk).update(created_at=at)
    return platform


@pytest.mark.clause("ORG-4")
def test_the_years_figures_count_the_platforms_approved_and_added(cast: Cast) -> None:
    london = ZoneInfo("Europe/London")
    moments = {
        "meetly": datetime(2024, 10, 1, 9, tzinfo=UTC),
        # 23:30 on 31 August in UTC is half past midnight on 1 September in London: year 2025.
        "talkroom": datetime(2025, 8, 31, 23, 30, tzinfo=UTC),
        "classcall": datetime(2026, 3, 1, 12, tzinfo=UTC),
        "laterchat": datetime(2026, 9, 2, 12, tzinfo=UTC),
    }
    for key, at in moments.items():
        _platform(cast.organisation, key, at)
    _platform(cast.other_organisation, "elsewhere", datetime(2026, 1, 5, tzinfo=UTC))
    review = annual_review_start(actor=cast.dsl, year=YEAR)

    def expected(first_year: int) -> tuple[str, str]:
        start = datetime(first_year, 9, 1, tzinfo=london)
        end = datetime(first_year + 1, 9, 1, tzinfo=london)
        approved = [at for at in moments.values() if at < end]
        added = [at for at in approved if at >= start]
        return str(len(approved)), str(len(added))

    page = signed_in(cast.dsl).get(f"/governance/review/{review.pk}/")
    rows = {row.label: row.values for row in page.context["shown"].rows}
    before, this = expected(2024), expected(2025)
    assert (this, before) == (("3", "2"), ("1", "1"))
    assert rows["Platforms approved"] == [before[0], this[0]]
    assert rows["of which added in the year"] == [before[1], this[1]]
    assert "Platforms approved" in page.text

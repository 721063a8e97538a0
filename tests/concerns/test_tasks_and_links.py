"""Steps and tasks given to named staff with due dates, who are told by email and see them on
their dashboard (INC-8); concerns shown on a brother's or sister's chronology where the DSL
chooses, never past the restriction of an allegation (INC-10)."""

from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.concerns import services
from chaperon.concerns.chronology import chronology_for
from chaperon.concerns.models import Concern, ConcernLink, ConcernStep, EntryKind
from chaperon.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from chaperon.people.models import GuardianRelationship
from tests import factories
from tests.conftest import Cast, signed_in

from .helpers import immediate_risk, public_concern

pytestmark = [pytest.mark.django_db]


def _today(cast: Cast) -> date:
    return timezone.localdate(timezone=cast.organisation.zone)


def _triaged(cast: Cast) -> Concern:
    concern = public_concern(cast.organisation)
    services.concern_triage(
        actor=cast.dsl, concern=concern, answers=immediate_risk(), risk_note="Threats made."
    )
    return concern


@pytest.mark.clause("INC-8")
def test_the_dsl_adds_a_task_for_a_deputy_who_is_told(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    concern = _triaged(cast)
    due = _today(cast) + timedelta(days=2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        step = services.concern_task_add(
            actor=cast.dsl,
            concern=concern,
            title="Speak to Robin's form tutor about the chat group",
            owner=cast.deputy,
            due_on=due,
        )
    assert step.key == "task-1" and step.owner_id == cast.deputy.pk
    organisation = cast.organisation
    assert step.due_at == datetime.combine(
        due, organisation.working_hours_end, tzinfo=organisation.zone
    )
    [told] = [m for m in mail.outbox if m.to == [cast.deputy.email]]
    assert concern.reference in told.subject and f"/concerns/{concern.pk}/" in told.body
    assert "Robin" not in told.body and "form tutor" not in told.body  # read it in Chaperon
    assert concern.entries.filter(kind=EntryKind.TASK_ADDED).count() == 1
    [audited] = AuditEvent.objects.filter(action=AuditAction.CONCERN_TASK_ADDED)
    assert audited.details == {"step": "task-1", "owner": cast.deputy.pk}
    # On the deputy's dashboard until done.
    dashboard = signed_in(cast.deputy).get("/dashboard/").content.decode()
    assert "Steps and tasks for you" in dashboard and "form tutor" in dashboard
    services.concern_step_complete(
        actor=cast.deputy, concern=concern, step_id=step.pk, outcome="Spoke to them."
    )
    assert "form tutor" not in signed_in(cast.deputy).get("/dashboard/").content.decode()
    second = services.concern_task_add(
        actor=cast.dsl, concern=concern, title="Check in with Robin", owner=cast.dsl, due_on=due
    )
    assert second.key == "task-2"


@pytest.mark.clause("INC-8")
def test_a_step_is_given_to_someone_else_with_a_new_date(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    concern = _triaged(cast)
    step = concern.steps.get(key="parents")
    assert step.owner_id == cast.dsl.pk
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(cast.dsl).post(
            f"/concerns/{concern.pk}/steps/{step.pk}/assign/",
            {"owner": cast.deputy.pk, "due_on": (_today(cast) + timedelta(days=1)).isoformat()},
        )
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.owner_id == cast.deputy.pk
    assert [m.to for m in mail.outbox] == [[cast.deputy.email]]
    entry = concern.entries.get(kind=EntryKind.ASSIGNED)
    assert entry.data["owner_id"] == {"from": cast.dsl.pk, "to": cast.deputy.pk}
    page = signed_in(cast.dsl).get(f"/concerns/{concern.pk}/").content.decode()
    assert "Who does it: Dana Sefton → Devon Pike" in page
    assert AuditEvent.objects.filter(action=AuditAction.CONCERN_STEP_ASSIGNED).count() == 1


@pytest.mark.clause("INC-10")
def test_tasks_go_only_to_someone_who_may_open_the_case(cast: Cast) -> None:
    concern = _triaged(cast)
    step = concern.steps.get(key="parents")
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as teacher:
        services.concern_step_assign(
            actor=cast.dsl, concern=concern, step_id=step.pk, owner=cast.teacher
        )
    assert "cannot open this case" in teacher.value.errors["owner"]
    with pytest.raises(ValidationFailed) as outsider:
        services.concern_task_add(
            actor=cast.dsl, concern=concern, title="Do it", owner=cast.outsider, due_on=None
        )
    assert set(outsider.value.errors) == {"owner", "due_on"}
    allegation = services.concern_raise(
        actor=cast.teacher2,
        organisation=cast.organisation,
        kind="allegation",
        subject_staff=cast.teacher,
        description="Terry messaged a pupil from a personal account.",
    )
    with pytest.raises(ValidationFailed) as deputy:
        services.concern_task_add(
            actor=cast.dsl,
            concern=allegation,
            title="Gather the messages",
            owner=cast.deputy,
            due_on=_today(cast),
        )
    assert "name them to handle this case first" in deputy.value.errors["owner"]
    with pytest.raises(ValidationFailed):
        services.concern_task_add(
            actor=cast.dsl,
            concern=allegation,
            title="Ask Terry",
            owner=cast.teacher,
            due_on=_today(cast),
        )
    with pytest.raises(ValidationFailed) as past:
        services.concern_task_add(
            actor=cast.dsl,
            concern=concern,
            title="Late",
            owner=cast.deputy,
            due_on=_today(cast) - timedelta(days=1),
        )
    assert "past" in past.value.errors["due_on"]
    with pytest.raises(NotFound):
        services.concern_task_add(
            actor=cast.teacher, concern=concern, title="x", owner=cast.dsl, due_on=_today(cast)
        )
    step.refresh_from_db()
    assert step.owner_id == cast.dsl.pk
    assert not ConcernStep.objects.filter(key__startswith="task-").exists()
    assert AuditEvent.objects.count() == events + 1  # the allegation's raising only


# Links to family ------------------------------------------------------------------------------


def _sibling(cast: Cast):
    sibling = factories.learner(cast.organisation, first_name="Sam", last_name="Alder")
    factories.guardian(cast.organisation, of=sibling)
    return sibling


def _about_robin(cast: Cast, **fields: object) -> Concern:
    return services.concern_raise(
        actor=cast.teacher,
        organisation=cast.organisation,
        learner=cast.learner,
        description="Robin says an older cousin sends them violent videos at home.",
        **fields,  # type: ignore[arg-type]
    )


@pytest.mark.clause("INC-8")
def test_the_dsl_shows_a_concern_on_a_siblings_chronology(cast: Cast) -> None:
    sibling = _sibling(cast)
    concern = _about_robin(cast)
    assert not chronology_for(cast.dsl, sibling.pk).items
    link = services.concern_link_learner(
        actor=cast.dsl,
        concern=concern,
        learner=sibling,
        relation="sibling",
        reason="Sam lives in the same house and may see the videos too.",
    )
    items = chronology_for(cast.dsl, sibling.pk).items
    assert any(
        item.kind == "Concern"
        and item.reference == f"{concern.reference} (linked: brother or sister)"
        for item in items
    )
    [audited] = AuditEvent.objects.filter(action=AuditAction.CONCERN_LINKED)
    assert audited.details == {"learner": sibling.pk, "relation": "sibling"}
    assert audited.reason.startswith("Sam lives")
    assert concern.entries.filter(kind=EntryKind.LINKED).count() == 1
    # The deputy sees it there too (an ordinary concern); ended, it goes.
    assert chronology_for(cast.deputy, sibling.pk).items
    services.concern_link_end(
        actor=cast.dsl, concern=concern, link_id=link.pk, reason="Sam moved to their father's"
    )
    assert not chronology_for(cast.dsl, sibling.pk).items
    assert AuditEvent.objects.filter(action=AuditAction.CONCERN_LINK_ENDED).count() == 1
    link.refresh_from_db()
    assert link.ended_by_id == cast.dsl.pk


@pytest.mark.clause("INC-10")
def test_a_linked_allegation_never_shows_to_those_who_may_not_open_it(cast: Cast) -> None:
    sibling = _sibling(cast)
    allegation = _about_robin(cast, kind="allegation", subject_staff=cast.teacher2)
    services.concern_link_learner(
        actor=cast.dsl, concern=allegation, learner=sibling, relation="sibling", reason="Both"
    )
    assert chronology_for(cast.dsl, sibling.pk).items
    assert not chronology_for(cast.deputy, sibling.pk).items
    pdf = signed_in(cast.deputy).get(f"/concerns/learners/{sibling.pk}/chronology.pdf")
    assert pdf.status_code == 200 and allegation.reference.encode() not in pdf.content


@pytest.mark.parametrize("who", ["deputy", "teacher", "outsider"])
def test_only_the_dsl_links(cast: Cast, who: str) -> None:
    sibling = _sibling(cast)
    concern = _about_robin(cast)
    events = AuditEvent.objects.count()
    with pytest.raises((PermissionDenied, NotFound)):
        services.concern_link_learner(
            actor=cast.user(who), concern=concern, learner=sibling, relation="sibling", reason="x"
        )
    assert not ConcernLink.objects.exists() and AuditEvent.objects.count() == events


def test_a_link_needs_another_learner_of_the_organisation_and_a_reason(cast: Cast) -> None:
    concern = _about_robin(cast)
    for learner, relation, reason, field in [
        (cast.learner, "sibling", "Same", "learner"),
        (cast.outsider_learner, "sibling", "Elsewhere", "learner"),
        (_sibling(cast), "cousin", "Nope", "relation"),
        (_sibling(cast), "family", " ", "reason"),
    ]:
        with pytest.raises(ValidationFailed) as refused:
            services.concern_link_learner(
                actor=cast.dsl, concern=concern, learner=learner, relation=relation, reason=reason
            )
        assert field in refused.value.errors
    assert not ConcernLink.objects.exists()


def test_the_case_page_links_and_ends_a_link(cast: Cast) -> None:
    sibling = _sibling(cast)
    GuardianRelationship.objects.create(
        organisation=cast.organisation,
        guardian=cast.guardian,
        learner=sibling,
        relationship="mother",
    )
    concern = _about_robin(cast)
    dsl = signed_in(cast.dsl)
    page = dsl.get(f"/concerns/{concern.pk}/").content.decode()
    # Brothers and sisters (sharing a parent or carer) are offered first.
    assert page.index("Sam Alder") < page.index("Show it there too")
    response = dsl.post(
        f"/concerns/{concern.pk}/links/",
        {"learner": sibling.pk, "relation": "sibling", "reason": "Same house"},
    )
    assert response.status_code == 302
    link = ConcernLink.objects.get()
    refused = dsl.post(f"/concerns/{concern.pk}/links/{link.pk}/end/", {"end_reason": ""})
    assert refused.status_code == 400
    link.refresh_from_db()
    assert link.ended_at is None
    ended = dsl.post(f"/concerns/{concern.pk}/links/{link.pk}/end/", {"end_reason": "Mistake"})
    assert ended.status_code == 302
    link.refresh_from_db()
    assert link.ended_at is not None

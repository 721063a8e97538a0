"""Steps and tasks assigned to named members of staff, with due dates (INC-8): the DSL adds a
task to a case, or gives a step (or task) to someone else with a new due date. The person
given it is told by email, and sees it on their dashboard until it is done."""

from datetime import date, datetime

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.email_queue import queue_email
from chaperon.core.exceptions import NotFound, ValidationFailed
from chaperon.core.links import absolute_url
from chaperon.core.service_log import logged
from chaperon.people.models import User

from ..models import Concern, ConcernStep, EntryKind, Status
from ..permissions import is_staff, may_open
from .common import add_entry, required

TASK_KEY_PREFIX = "task-"
TASK_TITLE_LENGTH = 300


def _lock_open_case(actor: User, concern: Concern) -> Concern:
    concern = Concern.objects.select_for_update().select_related("organisation").get(pk=concern.pk)
    if not may_open(actor, concern):
        raise NotFound("No such concern.")
    if concern.status == Status.CLOSED:
        raise ValidationFailed({"concern": "this concern is closed; nothing more can be added"})
    return concern


def _assignee_errors(concern: Concern, owner: User) -> dict[str, str]:
    if owner.organisation_id != concern.organisation_id or not is_staff(owner):
        return {"owner": "choose a member of staff of your organisation"}
    if owner.pk == concern.subject_staff_id or not may_open(owner, concern):
        hint = (
            "name them to handle this case first"
            if concern.restricted
            else "choose the DSL or a deputy"
        )
        return {"owner": f"{owner.full_name} cannot open this case: {hint}"}
    return {}


def _due(concern: Concern, due_on: date) -> datetime:
    """The end of the organisation's working hours on ``due_on``, in its time zone."""
    organisation = concern.organisation
    return datetime.combine(due_on, organisation.working_hours_end, tzinfo=organisation.zone)


def _date_errors(concern: Concern, due_on: date | None) -> dict[str, str]:
    if due_on is None:
        return {"due_on": "give the date it is due"}
    if due_on < timezone.localdate(timezone=concern.organisation.zone):
        return {"due_on": "the date cannot be in the past"}
    return {}


def _tell(step: ConcernStep, *, actor: User) -> None:
    if step.owner_id == actor.pk or not step.owner.email:
        return
    organisation = step.concern.organisation
    context = {
        "concern": step.concern,
        "organisation": organisation,
        "assigned_by": actor.full_name,
        "due_at": step.due_at.astimezone(organisation.zone),
        "zone": organisation.time_zone,
        "link": absolute_url(reverse("concerns:detail", args=[step.concern_id])),
    }
    queue_email(
        to=step.owner.email,
        subject=f"A safeguarding task for you: {step.concern.reference}",
        text=render_to_string("concerns/email/task.txt", context),
        purpose="concern_task",
        obj=step.concern,
    )


@logged
@transaction.atomic
def concern_task_add(
    *, actor: User, concern: Concern, title: str, owner: User, due_on: date | None
) -> ConcernStep:
    """Add a task to the case for ``owner`` (who must be able to open it), due by the end of
    working hours on ``due_on``; ``owner`` is told."""
    concern = _lock_open_case(actor, concern)
    errors = required(title, "title", "say what is to be done")
    if len(title.strip()) > TASK_TITLE_LENGTH:
        errors["title"] = f"keep it under {TASK_TITLE_LENGTH} characters"
    errors |= _assignee_errors(concern, owner) | _date_errors(concern, due_on)
    if errors or due_on is None:
        raise ValidationFailed(errors)
    number = concern.steps.filter(key__startswith=TASK_KEY_PREFIX).count() + 1
    step = ConcernStep.objects.create(
        concern=concern,
        key=f"{TASK_KEY_PREFIX}{number}",
        title=title.strip(),
        clause="",
        owner=owner,
        due_at=_due(concern, due_on),
    )
    add_entry(
        concern,
        kind=EntryKind.TASK_ADDED,
        summary=f"Task for {owner.full_name}, due {due_on:%d %b %Y}: {step.title}",
        author=actor,
        data={"step": step.key, "owner_id": owner.pk, "due_at": step.due_at.isoformat()},
    )
    record(
        action=AuditAction.CONCERN_TASK_ADDED,
        actor=actor,
        obj=concern,
        data={"step": step.key, "owner": owner.pk},
    )
    _tell(step, actor=actor)
    return step


@logged
@transaction.atomic
def concern_step_assign(
    *, actor: User, concern: Concern, step_id: int, owner: User, due_on: date | None = None
) -> ConcernStep:
    """Give an open step or task to ``owner`` (who must be able to open the case), due by the
    end of working hours on ``due_on`` (or when it was due); ``owner`` is told."""
    concern = _lock_open_case(actor, concern)
    step = ConcernStep.objects.select_for_update().filter(pk=step_id, concern=concern).first()
    if step is None:
        raise NotFound("No such step.")
    errors = _assignee_errors(concern, owner)
    if step.done_at is not None:
        errors["step"] = "this step is already done"
    if due_on is not None:
        errors |= _date_errors(concern, due_on)
    due_at = _due(concern, due_on) if due_on is not None else step.due_at
    if not errors and owner.pk == step.owner_id and due_at == step.due_at:
        errors["owner"] = f"it is already {owner.full_name}'s, due then"
    if errors:
        raise ValidationFailed(errors)
    before = {"owner_id": step.owner_id, "due_at": step.due_at.isoformat()}
    step.owner, step.due_at = owner, due_at
    step.save(update_fields=["owner", "due_at"])
    zone = concern.organisation.zone
    add_entry(
        concern,
        kind=EntryKind.ASSIGNED,
        summary=f"Given to {owner.full_name}, due {due_at.astimezone(zone):%d %b %Y %H:%M}: "
        f"{step.title}",
        author=actor,
        data={
            "step": step.key,
            "owner_id": {"from": before["owner_id"], "to": owner.pk},
            "due_at": {"from": before["due_at"], "to": due_at.isoformat()},
        },
    )
    record(
        action=AuditAction.CONCERN_STEP_ASSIGNED,
        actor=actor,
        obj=concern,
        data={"step": step.key, "owner": owner.pk},
    )
    _tell(step, actor=actor)
    return step

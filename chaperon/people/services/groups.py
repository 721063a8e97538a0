"""Classes, year groups and tutor groups: adding one and changing who is in it. Learners
joining or leaving a group are announced (``GroupMembersChanged``) so that the group's
sessions still to come follow."""

from collections.abc import Iterable

from django.db import transaction

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core import events
from chaperon.core.actors import SystemActor
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.service_log import logged

from ..events import GroupMembersChanged
from ..models import Group, GroupKind, GroupMember, Learner, Organisation, User
from ..permissions import require, require_same_organisation
from ..roles import Permission
from .common import validate_person


@logged
def group_create(
    *,
    actor: User | SystemActor,
    organisation: Organisation,
    kind: str,
    name: str,
    external_id: str = "",
    course: str = "",
) -> Group:
    require(actor, Permission.MANAGE_LEARNERS)
    require_same_organisation(actor, organisation)
    if kind not in GroupKind.values:
        raise ValidationFailed({"kind": f"choose one of {', '.join(GroupKind.values)}"})
    group = Group(
        organisation=organisation,
        kind=kind,
        name=name.strip(),
        external_id=external_id.strip(),
        course=course.strip(),
    )
    validate_person(group)
    with transaction.atomic():
        group.save()
        record(action=AuditAction.GROUP_CREATED, actor=actor, obj=group)
    return group


def announce_members_changed(group: Group, *, joined: Iterable[int], left: Iterable[int]) -> None:
    """Audit and announce (after commit) learners joining or leaving ``group``; call it in the
    transaction that changed them."""
    joined, left = tuple(sorted(joined)), tuple(sorted(left))
    if not joined and not left:
        return
    record(
        action=AuditAction.GROUP_MEMBERS_CHANGED,
        obj=group,
        data={"learners_added": list(joined), "learners_removed": list(left)},
    )
    events.publish(
        GroupMembersChanged(
            organisation_id=group.organisation_id, group_id=group.pk, joined=joined, left=left
        )
    )


@logged
def group_add_learners(
    *, actor: User | SystemActor, group: Group, learners: Iterable[Learner]
) -> list[int]:
    """Put ``learners`` (of the group's organisation, not left) in ``group``; returns the ids
    of those who were not in it already."""
    require(actor, Permission.MANAGE_LEARNERS)
    require_same_organisation(actor, group)
    chosen = list(learners)
    if any(learner.organisation_id != group.organisation_id for learner in chosen):
        raise ValidationFailed({"learners": "a group's learners belong to its organisation"})
    if names := [learner.full_name for learner in chosen if learner.left_on]:
        raise ValidationFailed({"learners": f"{', '.join(names)} left the organisation"})
    with transaction.atomic():
        present = set(group.members.filter(learner__isnull=False).values_list("learner", flat=True))
        new = sorted({learner.pk for learner in chosen} - present)
        GroupMember.objects.bulk_create(
            GroupMember(group=group, role=GroupMember.Role.LEARNER, learner_id=pk) for pk in new
        )
        announce_members_changed(group, joined=new, left=())
    return new


@logged
def group_remove_learners(
    *, actor: User | SystemActor, group: Group, learners: Iterable[Learner]
) -> list[int]:
    """Take ``learners`` out of ``group``; returns the ids of those who were in it."""
    require(actor, Permission.MANAGE_LEARNERS)
    require_same_organisation(actor, group)
    ids = {learner.pk for learner in learners}
    with transaction.atomic():
        members = group.members.filter(learner__in=ids)
        gone = sorted(members.values_list("learner", flat=True))
        members.delete()
        announce_members_changed(group, joined=(), left=[pk for pk in gone if pk is not None])
    return [pk for pk in gone if pk is not None]

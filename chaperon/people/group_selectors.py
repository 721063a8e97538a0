"""Reads of classes, year groups and tutor groups, scoped to the viewer's organisation."""

from django.db.models import Count, Q, QuerySet

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import NotFound

from .models import Group, GroupKind, Learner, StaffMember, User
from .permissions import require
from .roles import Permission


def groups_visible_to(viewer: User, *, kind: str = "", search: str = "") -> QuerySet[Group]:
    """The organisation's groups still running, with how many learners each has (by kind,
    then name): cut into pages by the caller."""
    require(viewer, Permission.VIEW_LEARNERS)
    groups = Group.objects.filter(organisation_id=viewer.organisation_id, ended_on__isnull=True)
    if kind in GroupKind.values:
        groups = groups.filter(kind=kind)
    for word in search.split()[:5]:
        groups = groups.filter(Q(name__icontains=word) | Q(course__icontains=word))
    return groups.annotate(
        learner_count=Count(
            "members", filter=Q(members__role="learner", members__learner__left_on__isnull=True)
        )
    ).order_by("kind", "name", "id")


def group_for(viewer: User, group_id: int) -> Group:
    """A group of the viewer's organisation (refused without seeing learners). Not audited:
    reading its learners is (``group_learners_for``)."""
    require(viewer, Permission.VIEW_LEARNERS)
    group = Group.objects.filter(pk=group_id, organisation_id=viewer.organisation_id).first()
    if group is None:
        raise NotFound("No such class or group.")
    return group


def group_learners_for(viewer: User, group: Group) -> QuerySet[Learner]:
    """The group's learners who have not left, by surname; reading them is audited."""
    require(viewer, Permission.VIEW_LEARNERS)
    if group.organisation_id != viewer.organisation_id:
        raise NotFound("No such class or group.")
    record(action=AuditAction.GROUP_VIEWED, actor=viewer, obj=group)
    return group_learners(group)


def group_learners(group: Group) -> QuerySet[Learner]:
    """The group's learners who have not left (for services: no viewer, not audited)."""
    return Learner.objects.filter(group_memberships__group=group, left_on__isnull=True).order_by(
        "last_name", "first_name", "id"
    )


def group_teachers(group: Group) -> QuerySet[StaffMember]:
    return (
        StaffMember.objects.filter(group_memberships__group=group, left_on__isnull=True)
        .select_related("user")
        .order_by("user__full_name", "id")
    )

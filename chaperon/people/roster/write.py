"""Writing a roster's plan in bulk (a few statements per kind of record, whatever the size of
the export), inside the import's transaction. Leavers go through ``learner_mark_left`` and
``staff_mark_left``, so that their sessions stop as for anyone marked as left by hand."""

from collections import defaultdict
from collections.abc import Callable

from django.utils import timezone

from chaperon.core.actors import SystemActor

from ..models import (
    Group,
    GroupMember,
    Guardian,
    GuardianRelationship,
    Learner,
    Organisation,
    Relationship,
    StaffMember,
    StaffRole,
    User,
)
from ..roles import Role
from ..services.groups import announce_members_changed
from ..services.learners import learner_mark_left
from ..services.staff import staff_mark_left
from .plan import GROUP_FIELDS, GUARDIAN_FIELDS, LEARNER_FIELDS, Plan

BATCH = 500
# New staff from an export are teachers; other roles are given in Chaperon, never by a file.
NEW_STAFF_ROLE = Role.TEACHER

type Step = Callable[[int], None]


def _ids(
    model: type[Learner | StaffMember | Guardian | Group], org: Organisation
) -> dict[str, int]:
    return dict(
        model.objects.filter(organisation=org)
        .exclude(external_id="")
        .values_list("external_id", "pk")
    )


def _people(plan: Plan, done: Step) -> None:
    now = timezone.now()
    Learner.objects.bulk_create(plan.new_learners, batch_size=BATCH)
    for learner in plan.changed_learners:
        learner.updated_at = now
    fields = [*LEARNER_FIELDS, "tutor_group", "updated_at"]
    Learner.objects.bulk_update(plan.changed_learners, fields, batch_size=BATCH)
    done(len(plan.new_learners) + len(plan.changed_learners))
    users = User.objects.bulk_create([user for user, _ in plan.new_staff], batch_size=BATCH)
    members = []
    for user, (_, staff) in zip(users, plan.new_staff, strict=True):
        staff.user = user
        members.append(staff)
    StaffMember.objects.bulk_create(members, batch_size=BATCH)
    StaffRole.objects.bulk_create(
        [StaffRole(staff=staff, role=NEW_STAFF_ROLE) for staff in members], batch_size=BATCH
    )
    User.objects.bulk_update(plan.changed_users, ["email", "full_name"], batch_size=BATCH)
    done(len(plan.new_staff) + len(plan.changed_users))
    Guardian.objects.bulk_create(plan.new_guardians, batch_size=BATCH)
    for guardian in plan.changed_guardians:
        guardian.updated_at = now
    Guardian.objects.bulk_update(
        plan.changed_guardians, [*GUARDIAN_FIELDS, "updated_at"], batch_size=BATCH
    )
    done(len(plan.new_guardians) + len(plan.changed_guardians))


def _links(plan: Plan, organisation: Organisation, learners: dict[str, int], done: Step) -> None:
    guardians = _ids(Guardian, organisation)
    GuardianRelationship.objects.bulk_create(
        [
            GuardianRelationship(
                organisation=organisation,
                guardian_id=guardians[guardian_sid],
                learner_id=learners[learner_sid],
                relationship=relationship,
                parental_responsibility=relationship != Relationship.OTHER,
            )
            for guardian_sid, learner_sid, relationship in plan.new_links
        ],
        batch_size=BATCH,
    )
    done(len(plan.new_links))


def _groups(plan: Plan, done: Step) -> None:
    now = timezone.now()
    Group.objects.bulk_create(plan.new_groups, batch_size=BATCH)
    for group in [*plan.changed_groups, *plan.ending_groups]:
        group.updated_at = now
    Group.objects.bulk_update(
        [*plan.changed_groups, *plan.ending_groups],
        [*GROUP_FIELDS, "ended_on", "updated_at"],
        batch_size=BATCH,
    )
    done(len(plan.new_groups) + len(plan.changed_groups) + len(plan.ending_groups))


def _members(plan: Plan, organisation: Organisation, learners: dict[str, int], done: Step) -> None:
    """Add and remove group members, then announce, for each group that was already there,
    the learners who joined or left it (its sessions to come follow them)."""
    groups, staff = _ids(Group, organisation), _ids(StaffMember, organisation)
    GroupMember.objects.bulk_create(
        [
            GroupMember(group_id=groups[group_sid], role=role, learner_id=learners[sid])
            if role == GroupMember.Role.LEARNER
            else GroupMember(group_id=groups[group_sid], role=role, staff_id=staff[sid])
            for group_sid, role, sid in plan.members_to_add
        ],
        batch_size=BATCH,
    )
    GroupMember.objects.filter(pk__in=[pk for pk, _ in plan.members_to_remove]).delete()
    done(len(plan.members_to_add) + len(plan.members_to_remove))
    new = {group.external_id for group in plan.new_groups}
    joined: dict[str, list[int]] = defaultdict(list)
    left: dict[str, list[int]] = defaultdict(list)
    for group_sid, role, sid in plan.members_to_add:
        if role == GroupMember.Role.LEARNER and group_sid not in new:
            joined[group_sid].append(learners[sid])
    for _, (group_sid, role, sid) in plan.members_to_remove:
        if role == GroupMember.Role.LEARNER and sid in learners:
            left[group_sid].append(learners[sid])
    changed = sorted(joined.keys() | left.keys())
    for group in Group.objects.filter(organisation=organisation, external_id__in=changed):
        sid = group.external_id
        announce_members_changed(group, joined=joined.get(sid, []), left=left.get(sid, []))


def write_plan(
    plan: Plan, *, organisation: Organisation, actor: User | SystemActor, done: Step
) -> None:
    _people(plan, done)
    learners = _ids(Learner, organisation)
    _links(plan, organisation, learners, done)
    _groups(plan, done)
    _members(plan, organisation, learners, done)
    for learner in plan.leaving_learners:
        learner_mark_left(actor=actor, learner=learner)
    for staff in plan.leaving_staff:
        staff_mark_left(actor=actor, staff=staff)
    done(len(plan.leaving_learners) + len(plan.leaving_staff))


def planned_writes(plan: Plan) -> int:
    """How many records ``write_plan`` writes: the total its progress counts to."""
    return sum(
        len(part)
        for part in (
            plan.new_learners,
            plan.changed_learners,
            plan.new_staff,
            plan.changed_users,
            plan.new_guardians,
            plan.changed_guardians,
            plan.new_links,
            plan.new_groups,
            plan.changed_groups,
            plan.ending_groups,
            plan.members_to_add,
            plan.members_to_remove,
            plan.leaving_learners,
            plan.leaving_staff,
        )
    )

"""What importing a roster would change, worked out against the organisation's records without
writing anything: the records to create and update, who leaves, which classes end, who joins
or leaves each group. A change the records forbid (an address already someone else's, a
privileged role's holder changed by someone who may not) is reported as a problem."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from chaperon.core.actors import SystemActor

from ..models import (
    Group,
    GroupMember,
    Guardian,
    GuardianRelationship,
    Learner,
    Organisation,
    StaffMember,
    User,
)
from ..permissions import can
from ..roles import PRIVILEGED_ROLES, Permission
from .parse import Roster
from .report import RosterError, RosterResult

LEARNER_FIELDS = ("first_name", "last_name", "email", "date_of_birth", "year_group")
GUARDIAN_FIELDS = ("full_name", "email", "phone")
GROUP_FIELDS = ("kind", "name", "course")

type Member = tuple[str, str, str]  # (group sourcedId, "learner" or "teacher", person sourcedId)


@dataclass
class Plan:
    result: RosterResult = field(default_factory=RosterResult)
    new_learners: list[Learner] = field(default_factory=list)
    changed_learners: list[Learner] = field(default_factory=list)
    leaving_learners: list[Learner] = field(default_factory=list)
    new_staff: list[tuple[User, StaffMember]] = field(default_factory=list)
    changed_users: list[User] = field(default_factory=list)
    leaving_staff: list[StaffMember] = field(default_factory=list)
    new_guardians: list[Guardian] = field(default_factory=list)
    changed_guardians: list[Guardian] = field(default_factory=list)
    new_links: list[tuple[str, str, str]] = field(default_factory=list)
    new_groups: list[Group] = field(default_factory=list)
    changed_groups: list[Group] = field(default_factory=list)
    ending_groups: list[Group] = field(default_factory=list)
    members_to_add: list[Member] = field(default_factory=list)
    # The member rows' ids and who they are.
    members_to_remove: list[tuple[int, Member]] = field(default_factory=list)


def _changed(record: object, wanted: dict[str, object]) -> bool:
    """Set ``wanted``'s values on ``record``; whether any differed."""
    differs = False
    for name, value in wanted.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            differs = True
    return differs


def _learners(plan: Plan, roster: Roster, organisation: Organisation) -> None:
    existing = {
        learner.external_id: learner
        for learner in Learner.objects.filter(organisation=organisation).exclude(external_id="")
    }
    changes = plan.result.learners
    for sid, wanted in roster.learners.items():
        values: dict[str, object] = {name: getattr(wanted, name) for name in LEARNER_FIELDS}
        values["tutor_group"] = wanted.tutor_group
        learner = existing.get(sid)
        if learner is None:
            learner = Learner(organisation=organisation, external_id=sid, **values)
            plan.new_learners.append(learner)
            changes.created.append(learner.full_name)
        elif _changed(learner, values):
            plan.changed_learners.append(learner)
            changes.updated.append(learner.full_name)
        else:
            changes.unchanged += 1
    for sid, learner in existing.items():
        if sid not in roster.learners and learner.left_on is None:
            plan.leaving_learners.append(learner)
            changes.left.append(learner.full_name)


def _may_change_leads(actor: User | SystemActor) -> bool:
    return not isinstance(actor, User) or can(actor, Permission.GIVE_PRIVILEGED_ROLES)


def _staff(
    plan: Plan,
    roster: Roster,
    organisation: Organisation,
    actor: User | SystemActor,
    errors: list[RosterError],
) -> None:
    existing = {
        staff.external_id: staff
        for staff in StaffMember.objects.filter(organisation=organisation)
        .exclude(external_id="")
        .select_related("user")
        .prefetch_related("roles")
    }
    wanted_emails = {wanted.email for wanted in roster.staff.values()}
    owners = dict(User.objects.filter(email__in=wanted_emails).values_list("email", "pk"))
    changes, may_change_leads = plan.result.staff, _may_change_leads(actor)
    for sid, wanted in roster.staff.items():
        staff = existing.get(sid)
        owner = owners.get(wanted.email)
        if owner is not None and (staff is None or owner != staff.user_id):
            errors.append(
                wanted.row.error(
                    "email", f"{wanted.email} is already the sign-in address of another account"
                )
            )
            continue
        if staff is None:
            user = User(organisation=organisation, email=wanted.email, full_name=wanted.full_name)
            user.set_unusable_password()
            plan.new_staff.append((user, StaffMember(organisation=organisation, external_id=sid)))
            changes.created.append(wanted.full_name)
            continue
        user = staff.user
        if (
            user.email != wanted.email
            and staff.role_set & PRIVILEGED_ROLES
            and not may_change_leads
        ):
            errors.append(
                wanted.row.error(
                    "email",
                    f"{user.full_name} holds a privileged role: only a safeguarding lead changes "
                    "their sign-in address; ask one to import this export",
                )
            )
        elif _changed(user, {"email": wanted.email, "full_name": wanted.full_name}):
            plan.changed_users.append(user)
            changes.updated.append(wanted.full_name)
        else:
            changes.unchanged += 1
    for sid, staff in existing.items():
        if sid in roster.staff or staff.left_on is not None:
            continue
        if isinstance(actor, User) and actor.pk == staff.user_id:
            errors.append(
                RosterError(
                    "users.csv", 0, "", "you are not in this export: someone else must import it"
                )
            )
        elif staff.role_set & PRIVILEGED_ROLES and not may_change_leads:
            errors.append(
                RosterError(
                    "users.csv",
                    0,
                    "",
                    f"{staff.user.full_name} (sourcedId {sid}) holds a privileged role and is not "
                    "in this export: only a safeguarding lead marks them as left",
                )
            )
        else:
            plan.leaving_staff.append(staff)
            changes.left.append(staff.user.full_name)


def _guardians(plan: Plan, roster: Roster, organisation: Organisation) -> None:
    existing = {
        guardian.external_id: guardian
        for guardian in Guardian.objects.filter(organisation=organisation).exclude(external_id="")
    }
    changes = plan.result.guardians
    for sid, wanted in roster.guardians.items():
        values: dict[str, object] = {name: getattr(wanted, name) for name in GUARDIAN_FIELDS}
        guardian = existing.get(sid)
        if guardian is None:
            guardian = Guardian(organisation=organisation, external_id=sid, **values)
            plan.new_guardians.append(guardian)
            changes.created.append(guardian.full_name)
        elif _changed(guardian, values):
            plan.changed_guardians.append(guardian)
            changes.updated.append(guardian.full_name)
        else:
            changes.unchanged += 1
    linked = set(
        GuardianRelationship.objects.filter(organisation=organisation).values_list(
            "guardian__external_id", "learner__external_id"
        )
    )
    for guardian_sid, learner_sid in sorted(roster.links - linked):
        relationship = roster.guardians[guardian_sid].relationship
        plan.new_links.append((guardian_sid, learner_sid, relationship))
    plan.result.links_added = len(plan.new_links)


def _groups(plan: Plan, roster: Roster, organisation: Organisation) -> dict[str, Group]:
    existing = {
        group.external_id: group
        for group in Group.objects.filter(organisation=organisation).exclude(external_id="")
    }
    changes = plan.result.groups
    for sid, wanted in roster.groups.items():
        values: dict[str, object] = {name: getattr(wanted, name) for name in GROUP_FIELDS}
        values["ended_on"] = None
        group = existing.get(sid)
        if group is None:
            group = Group(organisation=organisation, external_id=sid, **values)
            plan.new_groups.append(group)
            changes.created.append(group.name)
        elif _changed(group, values):
            plan.changed_groups.append(group)
            changes.updated.append(group.name)
        else:
            changes.unchanged += 1
    today = organisation.today()
    for sid, group in existing.items():
        if sid not in roster.groups and group.ended_on is None:
            group.ended_on = today
            plan.ending_groups.append(group)
            changes.left.append(group.name)
    return existing


def _members(plan: Plan, roster: Roster, groups: dict[str, Group]) -> None:
    """Who joins and who leaves each group the export holds (a group ended keeps its members,
    as they were)."""
    present: dict[Member, int] = {}
    in_groups = GroupMember.objects.filter(
        group__in=[group for sid, group in groups.items() if sid in roster.groups]
    ).values_list("pk", "group__external_id", "learner__external_id", "staff__external_id")
    for pk, group_sid, learner_sid, staff_sid in in_groups:
        role = "learner" if learner_sid is not None else "teacher"
        present[(group_sid, role, learner_sid or staff_sid or "")] = pk
    wanted: set[Member] = set()
    for group_sid, learners in roster.group_learners.items():
        wanted.update((group_sid, "learner", sid) for sid in learners)
    for group_sid, teachers in roster.group_teachers.items():
        wanted.update((group_sid, "teacher", sid) for sid in teachers)
    plan.members_to_add = sorted(wanted - present.keys())
    plan.members_to_remove = [
        (present[member], member) for member in sorted(present.keys() - wanted)
    ]
    plan.result.members_added = len(plan.members_to_add)
    plan.result.members_removed = len(plan.members_to_remove)


def _places(roster: Roster) -> int:
    return sum(len(sids) for sids in roster.group_learners.values()) + sum(
        len(sids) for sids in roster.group_teachers.values()
    )


def records_to_check(roster: Roster) -> int:
    """How many records ``make_plan`` compares with the organisation's: the total its
    progress counts to (people, groups and places in groups)."""
    people = len(roster.learners) + len(roster.staff) + len(roster.guardians)
    return people + len(roster.groups) + _places(roster)


def make_plan(
    roster: Roster,
    *,
    organisation: Organisation,
    actor: User | SystemActor,
    checked: Callable[[int], None] | None = None,
) -> tuple[Plan, list[RosterError]]:
    """What applying ``roster`` changes; ``checked(count)`` is told of each kind of record
    compared, with how many there were."""
    plan = Plan()
    errors: list[RosterError] = []
    done = checked or (lambda count: None)
    _learners(plan, roster, organisation)
    done(len(roster.learners))
    _staff(plan, roster, organisation, actor, errors)
    done(len(roster.staff))
    _guardians(plan, roster, organisation)
    done(len(roster.guardians))
    groups = _groups(plan, roster, organisation)
    done(len(roster.groups))
    _members(plan, roster, groups)
    done(_places(roster))
    plan.result.rows = roster.rows
    return plan, sorted(set(errors))


def by_group(members: list[Member]) -> dict[str, set[str]]:
    """The learners' sourcedIds of ``members``, per group sourcedId."""
    found: dict[str, set[str]] = defaultdict(set)
    for group_sid, role, person_sid in members:
        if role == "learner":
            found[group_sid].add(person_sid)
    return found

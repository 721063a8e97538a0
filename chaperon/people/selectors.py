"""Every read of people data, scoped to what the viewer may see. Sensitive reads are audited."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet

from chaperon.audit.actions import AuditAction
from chaperon.audit.digest import DigestRecipients
from chaperon.audit.services import record
from chaperon.core.exceptions import ValidationFailed

from .compliance import CHECK_FIELDS, Fact, needs_attention, staff_facts, status_bounds
from .emails import normalise_email
from .models import (
    Guardian,
    GuardianRelationship,
    Learner,
    Organisation,
    Site,
    StaffMember,
    User,
)
from .permissions import (
    access_guardian,
    access_learner,
    access_staff,
    can,
    require,
    roles_holding,
)
from .roles import Permission


def organisation_today(organisation: Organisation) -> date:
    return organisation.today()


def organisation_for(viewer: User) -> Organisation:
    require(viewer, Permission.VIEW_ORGANISATION)
    return Organisation.objects.get(pk=viewer.organisation_id)


def staff_list_visible_to(viewer: User) -> QuerySet[StaffMember]:
    require(viewer, Permission.VIEW_STAFF)
    return (
        StaffMember.objects.filter(organisation_id=viewer.organisation_id)
        .select_related("user", "site")
        .prefetch_related("roles")
        .order_by("user__full_name", "id")
    )


@dataclass(frozen=True)
class StaffCompliance:
    staff: StaffMember
    facts: list[Fact]

    @property
    def needs_attention(self) -> bool:
        return needs_attention(self.facts)


def staff_compliance_visible_to(viewer: User) -> list[StaffCompliance]:
    """Each staff member with their DBS, training and acceptable-use status. Audited."""
    require(viewer, Permission.VIEW_STAFF_COMPLIANCE)
    organisation = Organisation.objects.get(pk=viewer.organisation_id)
    today = organisation_today(organisation)
    rows = [
        StaffCompliance(
            staff,
            staff_facts(staff, organisation=organisation, today=today),
        )
        for staff in staff_list_visible_to(viewer)
    ]
    record(action=AuditAction.STAFF_COMPLIANCE_VIEWED, actor=viewer, obj=organisation)
    return rows


def compliance_summary_for(viewer: User) -> dict[str, int]:
    """How many staff have each fact current, expiring, expired or missing, and how many staff
    need attention: figures, no names. One query counted by the database, whatever the number
    of staff, so always as current as the records themselves: nothing is kept to go stale."""
    require(viewer, Permission.VIEW_COMPLIANCE_SUMMARY)
    organisation = viewer.organisation  # read with the signed-in user
    today = organisation_today(organisation)
    counts: dict[str, Count] = {"staff": Count("pk")}
    not_current = Q()
    for key, (field, years_field) in CHECK_FIELDS.items():
        bounds = status_bounds(
            getattr(organisation, years_field), organisation=organisation, today=today
        )
        missing = Q(**{f"{field}__isnull": True})
        expired = Q(**{f"{field}__lte": bounds.expired_by})
        expiring = Q(**{f"{field}__gt": bounds.expired_by, f"{field}__lte": bounds.expiring_by})
        counts[f"{key}_missing"] = Count("pk", filter=missing)
        counts[f"{key}_expired"] = Count("pk", filter=expired)
        counts[f"{key}_expiring"] = Count("pk", filter=expiring)
        not_current |= missing | Q(**{f"{field}__lte": bounds.expiring_by})
    counts["attention"] = Count("pk", filter=not_current)
    found = StaffMember.objects.filter(organisation_id=viewer.organisation_id).aggregate(**counts)
    summary = {"staff": found["staff"], "attention": found["attention"]}
    for status in ("missing", "expired", "expiring"):
        summary[status] = sum(found[f"{key}_{status}"] for key in CHECK_FIELDS)
    summary["current"] = found["staff"] * len(CHECK_FIELDS) - sum(
        summary[status] for status in ("missing", "expired", "expiring")
    )
    return summary


# Each word of a search is one more condition on every learner: a bound keeps a search cheap.
SEARCH_MAX_CHARACTERS = 100
SEARCH_MAX_WORDS = 8


def learner_search_problem(search: str) -> str | None:
    """Why ``search`` is too long to run, or None."""
    if len(search) > SEARCH_MAX_CHARACTERS:
        return (
            f"is {len(search)} characters long; search with at most {SEARCH_MAX_CHARACTERS} "
            "(a name or part of one, or an MIS id)"
        )
    if len(search.split()) > SEARCH_MAX_WORDS:
        return (
            f"has {len(search.split())} words; search with at most {SEARCH_MAX_WORDS} "
            "(a name or part of one, or an MIS id)"
        )
    return None


def learner_list_visible_to(
    viewer: User, *, search: str = "", year_group: str = ""
) -> QuerySet[Learner]:
    """The viewer's learners, those matching every word of ``search`` when one is given."""
    require(viewer, Permission.VIEW_LEARNERS)
    problem = learner_search_problem(search)
    if problem is not None:
        raise ValidationFailed({"search": problem})
    learners = Learner.objects.filter(organisation_id=viewer.organisation_id)
    for word in search.split():
        learners = learners.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(external_id__iexact=word)
        )
    if year_group:
        learners = learners.filter(year_group=year_group)
    return learners


def year_groups_in(organisation_id: int) -> list[str]:
    """The organisation's years and groups, in order; the caller checks permission."""
    groups = (
        Learner.objects.filter(organisation_id=organisation_id)
        .exclude(year_group="")
        .values_list("year_group", flat=True)
        .distinct()
        .order_by("year_group")
    )
    return list(groups)


def year_groups_of(viewer: User) -> list[str]:
    require(viewer, Permission.VIEW_LEARNERS)
    return year_groups_in(viewer.organisation_id)


def learner_detail_for(viewer: User, learner_id: int) -> Learner:
    """A learner with their guardians. Reading it is audited."""
    learner = access_learner(viewer, learner_id)
    relationships = GuardianRelationship.objects.select_related("guardian").order_by(
        "-parental_responsibility", "guardian__full_name"
    )
    learner = Learner.objects.prefetch_related(
        Prefetch("relationships", queryset=relationships)
    ).get(pk=learner.pk)
    record(action=AuditAction.LEARNER_VIEWED, actor=viewer, obj=learner)
    return learner


def guardian_search_visible_to(viewer: User, *, search: str) -> QuerySet[Guardian]:
    """Guardians whose name holds every word of ``search``, or whose email address or MIS id
    is ``search``: for linking one already recorded to another learner."""
    require(viewer, Permission.VIEW_LEARNERS)
    problem = learner_search_problem(search)
    if problem is not None:
        raise ValidationFailed({"search": problem})
    by_name = Q()
    for word in search.split():
        by_name &= Q(full_name__icontains=word)
    exact = Q(email=normalise_email(search)) | Q(external_id=search.strip())
    return Guardian.objects.filter(organisation_id=viewer.organisation_id).filter(by_name | exact)


def guardian_link_between(guardian: Guardian, learner: Learner) -> GuardianRelationship | None:
    """How ``guardian`` is related to ``learner``, if they are linked; the caller has
    accessed both."""
    return GuardianRelationship.objects.filter(guardian=guardian, learner=learner).first()


def guardian_list_visible_to(viewer: User) -> QuerySet[Guardian]:
    require(viewer, Permission.VIEW_LEARNERS)
    return Guardian.objects.filter(organisation_id=viewer.organisation_id).prefetch_related(
        Prefetch(
            "relationships",
            queryset=GuardianRelationship.objects.select_related("learner"),
        )
    )


def own_compliance(viewer: User) -> list[Fact]:
    """The viewer's own DBS, training and agreement status (empty for non-staff)."""
    staff = viewer.staff_record()
    if staff is None:
        return []
    organisation = viewer.organisation  # read with the signed-in user
    return staff_facts(staff, organisation=organisation, today=organisation_today(organisation))


def site_list_visible_to(viewer: User) -> QuerySet[Site]:
    require(viewer, Permission.VIEW_ORGANISATION)
    return Site.objects.filter(organisation_id=viewer.organisation_id).order_by("name")


@dataclass(frozen=True)
class StaffDetail:
    staff: StaffMember
    facts: list[Fact] | None  # None when the viewer may not see compliance


def staff_detail_for(viewer: User, staff_id: int) -> StaffDetail:
    """One staff member; their compliance facts only for those allowed (and then audited)."""
    staff = access_staff(viewer, staff_id)
    if not can(viewer, Permission.VIEW_STAFF_COMPLIANCE):
        return StaffDetail(staff, None)
    organisation = Organisation.objects.get(pk=viewer.organisation_id)
    facts = staff_facts(staff, organisation=organisation, today=organisation_today(organisation))
    record(action=AuditAction.STAFF_COMPLIANCE_VIEWED, actor=viewer, obj=staff)
    return StaffDetail(staff, facts)


def guardian_detail_for(viewer: User, guardian_id: int) -> Guardian:
    """A guardian with the learners they are linked to. Reading it is audited."""
    guardian = access_guardian(viewer, guardian_id)
    relationships = GuardianRelationship.objects.select_related("learner").order_by(
        "learner__last_name", "learner__first_name", "id"
    )
    guardian = Guardian.objects.prefetch_related(
        Prefetch("relationships", queryset=relationships)
    ).get(pk=guardian.pk)
    record(action=AuditAction.GUARDIAN_VIEWED, actor=viewer, obj=guardian)
    return guardian


def staff_with_roles(organisation_id: int, roles: Iterable[str]) -> list[User]:
    """Active staff of the organisation holding any of ``roles``, each once, by name: for the
    services that must tell them something (no viewer: the system is asking)."""
    members = (
        StaffMember.objects.filter(
            organisation_id=organisation_id, roles__role__in=list(roles), user__is_active=True
        )
        .select_related("user")
        .order_by("user__full_name", "user__id")
    )
    return list({member.user.pk: member.user for member in members}.values())


def staff_granted(organisation_id: int, permission: Permission) -> list[User]:
    """Active staff of the organisation whose roles hold ``permission``, each once, by name."""
    return staff_with_roles(organisation_id, roles_holding(organisation_id, permission))


def safeguarding_leads(organisation_id: int) -> list[User]:
    """Who is told of safeguarding matters: the DSLs, or the deputies where there is no DSL."""
    return staff_granted(organisation_id, Permission.LEAD_SAFEGUARDING) or staff_granted(
        organisation_id, Permission.HANDLE_CONCERNS
    )


def audit_digest_recipients() -> list[DigestRecipients]:
    """Each organisation's safeguarding leads, who receive the audit log's daily digest."""
    return [
        DigestRecipients(
            organisation.pk,
            organisation.name,
            [user.email for user in safeguarding_leads(organisation.pk) if user.email],
        )
        for organisation in Organisation.objects.order_by("pk")
    ]

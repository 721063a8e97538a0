"""Every read of people data, scoped to what the viewer may see. Sensitive reads are audited."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Replace, Upper

from chaperon.audit.actions import AuditAction
from chaperon.audit.digest import DigestRecipients
from chaperon.audit.services import record
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.pure.dates import add_years

from .compliance import (
    CHECK_FIELDS,
    Fact,
    last_day_not_current,
    needs_attention,
    staff_facts,
    status_bounds,
)
from .emails import normalise_email
from .models import (
    Guardian,
    GuardianRelationship,
    Learner,
    Organisation,
    Site,
    StaffMember,
    StaffRole,
    Trust,
    TrustMembership,
    User,
    years_before,
)
from .permissions import (
    access_guardian,
    access_learner,
    access_staff,
    can,
    require,
    roles_holding,
)
from .roles import TRUST_GRANTS, Permission, TrustPermission


def organisation_today(organisation: Organisation) -> date:
    return organisation.today()


def organisation_with_slug(slug: str) -> Organisation | None:
    """The organisation a public address names (``/contacts/<slug>/``), or None. Public pages
    show only what an organisation publishes about itself."""
    return Organisation.objects.filter(slug=slug).first()


def staff_member_of(user: User) -> StaffMember | None:
    """The staff record of ``user``, or None for someone who is not staff."""
    return StaffMember.objects.filter(user=user).select_related("organisation").first()


def organisation_for(viewer: User) -> Organisation:
    require(viewer, Permission.VIEW_ORGANISATION)
    return Organisation.objects.get(pk=viewer.organisation_id)


# The staff list's filter on the checks: each value, and how the list names it.
COMPLIANCE_FILTERS = {
    "attention": "Needing attention (missing, expired or expiring)",
    "current": "All current",
}


def staff_list_visible_to(
    viewer: User, *, search: str = "", role: str = "", compliance: str = ""
) -> QuerySet[StaffMember]:
    """The organisation's staff by name; those matching every word of ``search`` (in the name,
    or the whole email address), holding ``role``, or whose checks are in the state named by
    ``compliance`` (one of ``COMPLIANCE_FILTERS``: only for those who may see the checks)."""
    require(viewer, Permission.VIEW_STAFF)
    problem = learner_search_problem(search)
    if problem is not None:
        raise ValidationFailed({"search": problem})
    staff = StaffMember.objects.filter(organisation_id=viewer.organisation_id)
    for word in search.split():
        staff = staff.filter(Q(user__full_name__icontains=word) | Q(user__email__iexact=word))
    if role:
        staff = staff.filter(Exists(StaffRole.objects.filter(staff=OuterRef("pk"), role=role)))
    if compliance:
        require(viewer, Permission.VIEW_STAFF_COMPLIANCE)
        current = _all_current(Organisation.objects.get(pk=viewer.organisation_id))
        staff = staff.filter(user__is_active=True)  # those who left need no checks
        staff = staff.filter(current) if compliance == "current" else staff.exclude(current)
    return (
        staff.select_related("user", "site")
        .prefetch_related("roles")
        .order_by("user__full_name", "id")
    )


def _all_current(organisation: Organisation) -> Q:
    """Staff whose three checks are all current today (``compliance.staff_facts``), as a
    condition the database can test: each done after the last day that is no longer enough."""
    today = organisation_today(organisation)
    return Q(
        dbs_checked_on__gt=last_day_not_current(organisation, organisation.dbs_valid_years, today),
        safeguarding_training_on__gt=last_day_not_current(
            organisation, organisation.training_valid_years, today
        ),
        aup_signed_on__gt=last_day_not_current(organisation, organisation.aup_valid_years, today),
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
    return staff_compliance_of(viewer, staff_list_visible_to(viewer))


def staff_compliance_of(viewer: User, staff: Iterable[StaffMember]) -> list[StaffCompliance]:
    """These staff (a page of ``staff_list_visible_to``) with their DBS, training and
    acceptable-use status, worked out for them alone. Audited."""
    require(viewer, Permission.VIEW_STAFF_COMPLIANCE)
    organisation = Organisation.objects.get(pk=viewer.organisation_id)
    today = organisation_today(organisation)
    rows = [
        StaffCompliance(member, staff_facts(member, organisation=organisation, today=today))
        for member in staff
        if member.organisation_id == organisation.pk
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
    # Those who left are no longer staff to keep checked.
    current_staff = StaffMember.objects.filter(
        organisation_id=viewer.organisation_id, user__is_active=True
    )
    found = current_staff.aggregate(**counts)
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
    viewer: User, *, search: str = "", year_group: str = "", tutor_group: str = ""
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
    if tutor_group:
        learners = learners.filter(tutor_group=tutor_group)
    return learners


def _groups_in(organisation_id: int, column: str) -> list[str]:
    groups = (
        Learner.objects.filter(organisation_id=organisation_id)
        .exclude(**{column: ""})
        .values_list(column, flat=True)
        .distinct()
        .order_by(column)
    )
    return list(groups)


def year_groups_in(organisation_id: int) -> list[str]:
    """The organisation's years and groups, in order; the caller checks permission."""
    return _groups_in(organisation_id, "year_group")


def year_groups_of(viewer: User) -> list[str]:
    require(viewer, Permission.VIEW_LEARNERS)
    return year_groups_in(viewer.organisation_id)


def tutor_groups_of(viewer: User) -> list[str]:
    """The tutor groups of the viewer's organisation, in order."""
    require(viewer, Permission.VIEW_LEARNERS)
    return _groups_in(viewer.organisation_id, "tutor_group")


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


# Figures of a trust's schools: counts only, computed by the database, for schools the caller
# has already found the viewer may see (``permissions.access_trust``).


def _earliest_still_valid(today: date, years: int) -> date:
    """The earliest date a check can have been done and still be valid on ``today``, as
    ``compliance.staff_facts`` judges it (valid until the same date ``years`` later)."""
    earliest = years_before(today, years)
    if add_years(earliest, years) < today:  # 29 February: a year on from 28 February is short
        earliest += timedelta(days=1)
    return earliest


def staff_compliance_by_organisation(
    organisations: Iterable[Organisation], *, today: date
) -> dict[int, dict[str, int]]:
    """For each organisation, its staff and how many of them have every check (DBS, training,
    acceptable use) still valid on ``today`` by its own validity periods: {"staff",
    "up_to_date"}. One query, whatever the number of organisations: those with the same
    periods share one condition."""
    by_periods: dict[tuple[int, int, int], list[int]] = {}
    for organisation in organisations:
        periods = (
            organisation.dbs_valid_years,
            organisation.training_valid_years,
            organisation.aup_valid_years,
        )
        by_periods.setdefault(periods, []).append(organisation.pk)
    if not by_periods:
        return {}
    valid = Q()
    for (dbs, training, aup), ids in by_periods.items():
        valid |= Q(
            organisation_id__in=ids,
            dbs_checked_on__gte=_earliest_still_valid(today, dbs),
            safeguarding_training_on__gte=_earliest_still_valid(today, training),
            aup_signed_on__gte=_earliest_still_valid(today, aup),
        )
    ids = [pk for group in by_periods.values() for pk in group]
    rows = (
        StaffMember.objects.filter(organisation_id__in=ids, user__is_active=True)
        .values("organisation_id")
        .annotate(staff=Count("pk"), up_to_date=Count("pk", filter=valid))
    )
    return {
        row["organisation_id"]: {"staff": row["staff"], "up_to_date": row["up_to_date"]}
        for row in rows
    }


def trusts_of(viewer: User) -> list[Trust]:
    """The trusts whose overview ``viewer`` may open, by name."""
    if not viewer.is_active:
        return []
    roles = TRUST_GRANTS[TrustPermission.VIEW_TRUST_OVERVIEW]
    return list(
        Trust.objects.filter(memberships__user=viewer, memberships__role__in=roles)
        .distinct()
        .order_by("name", "pk")
    )


def holds_a_trust_role(viewer: User) -> bool:
    """Whether ``viewer`` may open some trust's overview (the navigation asks on every page,
    so the answer is kept on the user for the request)."""
    cached: bool | None = getattr(viewer, "_trust_member_cache", None)
    if cached is None:
        cached = viewer.is_active and (
            TrustMembership.objects.filter(
                user=viewer, role__in=TRUST_GRANTS[TrustPermission.VIEW_TRUST_OVERVIEW]
            ).exists()
        )
        viewer._trust_member_cache = cached  # type: ignore[attr-defined]
    return cached


def _name_or_postcode(query: str) -> Q:
    """Organisations whose name holds ``query``, or whose postcode does, spaces and capitals
    aside ("sw1a", "SW1A 1", "1aa")."""
    compact = "".join(query.split()).upper()
    return Q(name__icontains=query.strip()) | Q(postcode_compact__contains=compact)


def _with_compact_postcode(organisations: QuerySet[Organisation]) -> QuerySet[Organisation]:
    return organisations.annotate(
        postcode_compact=Replace(Upper("postcode"), Value(" "), Value(""))
    )


def trust_schools(trust: Trust, *, query: str = "") -> QuerySet[Organisation]:
    """The trust's schools by name, those matching ``query`` (name or postcode) where given.
    For a caller that has checked the viewer may see the trust (``access_trust``)."""
    schools = Organisation.objects.filter(trust=trust)
    if query.strip():
        schools = _with_compact_postcode(schools).filter(_name_or_postcode(query))
    return schools.order_by("name", "pk")


# The public report page finds at most this many organisations for a search.
PUBLIC_SEARCH_LIMIT = 10
# Fewer characters than this find nothing: a single letter would list half the server.
PUBLIC_SEARCH_MIN_LENGTH = 3


def organisations_matching(query: str) -> list[Organisation]:
    """For the public report page: organisations whose name or postcode holds ``query``, at
    most ``PUBLIC_SEARCH_LIMIT``, by name. A query shorter than ``PUBLIC_SEARCH_MIN_LENGTH``
    (spaces aside) finds nothing."""
    if len("".join(query.split())) < PUBLIC_SEARCH_MIN_LENGTH:
        return []
    found = _with_compact_postcode(Organisation.objects.all()).filter(_name_or_postcode(query))
    return list(found.order_by("name", "pk").only("name", "slug", "postcode")[:PUBLIC_SEARCH_LIMIT])


@dataclass(frozen=True)
class SiteGaps:
    """One site's current staff and how many lack each check (ORG-6): counts only."""

    site: str
    staff: int
    dbs: int
    training: int
    aup: int


def staff_compliance_gaps_by_site(organisation: Organisation, *, today: date) -> list[SiteGaps]:
    """For each site (the team a member of staff works in; "No site" for those without one),
    its current staff and how many have no DBS check, safeguarding training or acceptable use
    agreement still valid on ``today`` by the organisation's periods. One aggregate query."""

    def lapsed(field: str, years: int) -> Q:
        earliest = _earliest_still_valid(today, years)
        return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": earliest})

    rows = (
        StaffMember.objects.filter(organisation=organisation, user__is_active=True)
        .values("site__name")
        .annotate(
            staff=Count("pk"),
            dbs=Count("pk", filter=lapsed("dbs_checked_on", organisation.dbs_valid_years)),
            training=Count(
                "pk",
                filter=lapsed("safeguarding_training_on", organisation.training_valid_years),
            ),
            aup=Count("pk", filter=lapsed("aup_signed_on", organisation.aup_valid_years)),
        )
        .order_by("site__name")
    )
    return [
        SiteGaps(
            site=row["site__name"] or "No site",
            staff=row["staff"],
            dbs=row["dbs"],
            training=row["training"],
            aup=row["aup"],
        )
        for row in rows
    ]


# For subject access (ORG-7): everything about one person, read by a service that has already
# checked the DSL's permission and the person's organisation.


def guardian_links_of_learner(learner: Learner) -> list[GuardianRelationship]:
    """A learner's parents and carers, with the relationship of each."""
    return list(
        GuardianRelationship.objects.filter(learner=learner)
        .select_related("guardian")
        .order_by("guardian__full_name", "id")
    )


def learner_links_of_guardian(guardian: Guardian) -> list[GuardianRelationship]:
    """The learners a parent or carer is linked to, with the relationship of each."""
    return list(
        GuardianRelationship.objects.filter(guardian=guardian)
        .select_related("learner")
        .order_by("learner__last_name", "learner__first_name", "id")
    )

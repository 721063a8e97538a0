"""Reads of governance: the safeguarding team as the contacts pages show it (ORG-1), worked
out from the staff roles and the team's posts each time it is read, so that it is always
current; the acceptable use agreements in force and who has signed them (ORG-2)."""

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.people.models import (
    Guardian,
    GuardianRelationship,
    Learner,
    Organisation,
    StaffMember,
    User,
)
from chaperon.people.permissions import can, require
from chaperon.people.roles import Permission
from chaperon.people.selectors import organisation_for, staff_granted, staff_list_visible_to

from .agreements import current_version, guardians_of_current_learners, learners_in_audience
from .audiences import learner_audience
from .models import (
    Audience,
    AupRequest,
    AupSignature,
    AupVersion,
    BoardMeeting,
    FilterCheck,
    FilterCheckKind,
    FilterEntry,
    FilterReport,
    Post,
    PublishedContact,
    TeamPost,
    TrainingCompletion,
    TrainingCourse,
)
from .services import POST_PERMISSION
from .training import (
    TrainingStatus,
    bounds_for,
    must_take,
    required_condition,
    status_of,
    valid_until,
)


@dataclass(frozen=True)
class Member:
    user_id: int
    name: str
    job_title: str
    contact: str  # the line published for them, or ""
    email: str  # shown to staff only


@dataclass(frozen=True)
class Section:
    key: str  # "leads", "deputies" or a post
    heading: str
    about: str
    members: list[Member]
    is_post: bool  # a post given on the team's page; otherwise a staff role


@dataclass(frozen=True)
class Team:
    organisation: Organisation
    sections: list[Section]

    @property
    def leads(self) -> list[Member]:
        return self.sections[0].members


ABOUT = {
    "leads": "Has overall responsibility for safeguarding and is told of every concern.",
    "deputies": "Act for the Designated Safeguarding Lead and share the work.",
    Post.CHAMPION: "The member of the board who holds the organisation to account for "
    "safeguarding.",
    Post.ONLINE_SAFETY_GROUP: "Senior staff who review online safety: the policies, the "
    "filtering and monitoring, the training and the year's cases.",
    Post.ICT_LEAD: "Looks after the systems, the filtering and the monitoring.",
}


def _member(user: User, contacts: dict[int, str]) -> Member:
    staff = getattr(user, "staff", None)  # read with the user by staff_granted
    return Member(
        user_id=user.pk,
        name=user.full_name,
        job_title=staff.job_title if staff is not None else "",
        contact=contacts.get(user.pk, ""),
        email=user.email,
    )


def safeguarding_team(organisation: Organisation) -> Team:
    """Everyone in the organisation's safeguarding team, by section: the Designated
    Safeguarding Lead (who leads safeguarding), the deputies (who handle concerns without
    leading), the board's champion, the online safety group and the ICT lead. Only active
    staff whose roles still allow their part are shown. A public page may show this (without
    the email addresses): it is what the organisation publishes about itself."""
    contacts = dict(
        PublishedContact.objects.filter(organisation=organisation).values_list("user_id", "line")
    )
    holders: dict[str, set[int]] = {}
    for user_id, post in TeamPost.objects.filter(organisation=organisation).values_list(
        "user_id", "post"
    ):
        holders.setdefault(post, set()).add(user_id)
    leads = staff_granted(organisation.pk, Permission.LEAD_SAFEGUARDING)
    lead_ids = {user.pk for user in leads}
    deputies = [
        user
        for user in staff_granted(organisation.pk, Permission.HANDLE_CONCERNS)
        if user.pk not in lead_ids
    ]
    sections = [
        Section(
            "leads",
            "Designated Safeguarding Lead",
            ABOUT["leads"],
            [_member(user, contacts) for user in leads],
            is_post=False,
        ),
        Section(
            "deputies",
            "Deputy Designated Safeguarding Leads",
            ABOUT["deputies"],
            [_member(user, contacts) for user in deputies],
            is_post=False,
        ),
    ]
    for post in Post:
        chosen = holders.get(post.value, set())
        allowed = staff_granted(organisation.pk, POST_PERMISSION[post])
        members = [_member(user, contacts) for user in allowed if user.pk in chosen]
        sections.append(Section(post.value, post.label, ABOUT[post], members, is_post=True))
    return Team(organisation, sections)


@dataclass(frozen=True)
class StaffRegister:
    version: AupVersion | None
    signed: int
    staff: int
    rows: QuerySet[StaffMember]  # current staff, each with ``signed_current``


def agreements_in_force(viewer: User) -> list[tuple[str, AupVersion | None]]:
    """For each audience, its label and the version in force (None before the first)."""
    require(viewer, Permission.PUBLISH_AUP)
    latest: dict[str, AupVersion] = {}
    for version in AupVersion.objects.filter(organisation_id=viewer.organisation_id).order_by(
        "audience", "number"
    ):
        latest[version.audience] = version
    return [(label, latest.get(value)) for value, label in Audience.choices]


def staff_agreement_register(viewer: User, *, signed: bool | None = None) -> StaffRegister:
    """Current staff (not those who left), each marked with whether they signed the staff
    agreement in force; ``signed`` keeps only those who have (True) or have not (False)."""
    require(viewer, Permission.PUBLISH_AUP)
    version = current_version(viewer.organisation_id, Audience.STAFF)
    staff = staff_list_visible_to(viewer).filter(user__is_active=True)
    agreed = AupSignature.objects.filter(version=version, user=OuterRef("user"))
    staff = staff.annotate(signed_current=Exists(agreed))
    counts = staff.aggregate(staff=Count("pk"), signed=Count("pk", filter=Q(signed_current=True)))
    if signed is not None:
        staff = staff.filter(signed_current=signed)
    # Who has not agreed is a fact of their compliance: read as the staff list's are.
    record(
        action=AuditAction.STAFF_COMPLIANCE_VIEWED,
        actor=viewer,
        obj=viewer.organisation,
        data={"register": "acceptable_use"},
    )
    return StaffRegister(version, counts["signed"], counts["staff"], staff)


@dataclass(frozen=True)
class LinkRegister:
    """Who a learners' or the parents' agreement is for, each with ``signed_current`` and
    ``asked`` (sent a link for the version in force)."""

    audience: str
    version: AupVersion | None
    signed: int
    asked: int
    people: int
    rows: QuerySet[Learner] | QuerySet[Guardian]


def link_agreement_register(
    viewer: User, audience: str, *, signed: bool | None = None
) -> LinkRegister:
    """The learners of a key stage group, or the parents and carers of current learners, each
    marked with whether they agreed to the version in force and whether they were sent a link;
    ``signed`` keeps only those who have (True) or have not (False). Reading it is audited: it
    names children."""
    require(viewer, Permission.PUBLISH_AUP)
    organisation = organisation_for(viewer)
    version = current_version(organisation.pk, audience)
    people: QuerySet[Learner] | QuerySet[Guardian]
    if audience == Audience.PARENT:
        people = guardians_of_current_learners(organisation.pk).order_by("full_name", "pk")
        signatures = AupSignature.objects.filter(
            version=version, guardian=OuterRef("pk"), learner__isnull=True
        )
        requests = AupRequest.objects.filter(
            version=version, guardian=OuterRef("pk"), learner__isnull=True
        )
    else:
        people = learners_in_audience(organisation.pk, audience, organisation.today()).order_by(
            "last_name", "first_name", "pk"
        )
        signatures = AupSignature.objects.filter(version=version, learner=OuterRef("pk"))
        requests = AupRequest.objects.filter(version=version, learner=OuterRef("pk"))
    counts = people.aggregate(
        people=Count("pk"),
        signed=Count("pk", filter=Exists(signatures)),
        asked=Count("pk", filter=Exists(requests)),
    )
    rows = people.annotate(signed_current=Exists(signatures), asked=Exists(requests))
    if signed is not None:
        rows = rows.filter(signed_current=signed)
    record(
        action=AuditAction.AUP_REGISTER_VIEWED,
        actor=viewer,
        obj=organisation,
        data={"audience": audience},
    )
    return LinkRegister(
        audience, version, counts["signed"], counts["asked"], counts["people"], rows
    )


@dataclass(frozen=True)
class LearnerAgreement:
    learner: Learner
    version: AupVersion | None
    signed: bool
    asked: bool
    parents: int  # with parental responsibility
    parents_signed: int  # of them, agreed to the parents' agreement in force


def session_agreements(
    organisation: Organisation, learners: list[Learner]
) -> list[LearnerAgreement]:
    """For a session's checks: each learner's own agreement in force, signed or asked, and how
    many of their parents and carers agreed to the parents' agreement (ORG-2). A fixed number
    of queries whatever the number of learners."""
    today = organisation.today()
    in_force = {
        version.audience: version
        for version in AupVersion.objects.filter(organisation=organisation).order_by("number")
    }
    ids = [learner.pk for learner in learners]
    signed = set(
        AupSignature.objects.filter(version__in=in_force.values(), learner_id__in=ids).values_list(
            "version_id", "learner_id"
        )
    )
    asked = set(
        AupRequest.objects.filter(version__in=in_force.values(), learner_id__in=ids).values_list(
            "version_id", "learner_id"
        )
    )
    parents_version = in_force.get(Audience.PARENT)
    parents: dict[int, list[int]] = {}
    for learner_id, guardian_id in GuardianRelationship.objects.filter(
        learner_id__in=ids, parental_responsibility=True
    ).values_list("learner_id", "guardian_id"):
        parents.setdefault(learner_id, []).append(guardian_id)
    parents_signed = (
        set(
            AupSignature.objects.filter(
                version=parents_version,
                learner__isnull=True,
                guardian_id__in={pk for own in parents.values() for pk in own},
            ).values_list("guardian_id", flat=True)
        )
        if parents_version is not None
        else set()
    )
    shown = []
    for learner in learners:
        audience = learner_audience(
            learner.date_of_birth, adult_at_risk=learner.adult_at_risk, today=today
        )
        version = in_force.get(audience)
        key = (version.pk if version else 0, learner.pk)
        own = parents.get(learner.pk, [])
        shown.append(
            LearnerAgreement(
                learner=learner,
                version=version,
                signed=key in signed,
                asked=key in asked,
                parents=len(own),
                parents_signed=sum(1 for guardian_id in own if guardian_id in parents_signed),
            )
        )
    return shown


# Filtering and monitoring reports (ORG-5) ----------------------------------------------------

CHECK_EVERY_MONTHS = 4  # a term, at most: the DfE standards ask for a check each term
REVIEW_EVERY_MONTHS = 12


def filter_reports_visible_to(viewer: User) -> QuerySet[FilterReport]:
    """The viewer's organisation's reports, newest first: counts only, nobody named."""
    require(viewer, Permission.READ_FILTERING_REPORTS)
    return FilterReport.objects.filter(organisation_id=viewer.organisation_id).select_related(
        "imported_by"
    )


@dataclass(frozen=True)
class ReportEntries:
    report: FilterReport
    entries: QuerySet[FilterEntry]


def filter_report_entries_for(
    viewer: User, report_id: int, *, serious_only: bool = False, category: str = ""
) -> ReportEntries:
    """One report and its entries (only the serious ones, or one category's), with the people
    matched. Reading them is audited: they say who went where."""
    require(viewer, Permission.READ_FILTERING_REPORTS)
    report = FilterReport.objects.filter(
        pk=report_id, organisation_id=viewer.organisation_id
    ).first()
    if report is None:
        raise Http404("No such report.")
    entries = report.entries.select_related("learner", "staff_user")
    if serious_only:
        entries = entries.filter(serious=True)
    if category:
        entries = entries.filter(category=category)
    record(
        action=AuditAction.FILTER_REPORT_VIEWED,
        actor=viewer,
        obj=report,
        data={"report": report.pk, "serious_only": serious_only, "category": category},
    )
    return ReportEntries(report, entries)


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Oversight:
    """When the reports were last checked and the filtering last reviewed, and whether either
    is overdue (a review counts as a check too)."""

    last_check: FilterCheck | None
    last_review: FilterCheck | None
    check_overdue: bool
    review_overdue: bool
    recent: list[FilterCheck]


def filtering_oversight(viewer: User, *, today: date) -> Oversight:
    require(viewer, Permission.READ_FILTERING_REPORTS)
    checks = FilterCheck.objects.filter(organisation_id=viewer.organisation_id).select_related(
        "checked_by"
    )
    last_check = checks.first()
    last_review = checks.filter(kind=FilterCheckKind.REVIEW).first()
    return Oversight(
        last_check=last_check,
        last_review=last_review,
        check_overdue=last_check is None
        or last_check.checked_on < months_before(today, CHECK_EVERY_MONTHS),
        review_overdue=last_review is None
        or last_review.checked_on < months_before(today, REVIEW_EVERY_MONTHS),
        recent=list(checks[:10]),
    )


def staff_not_agreed_count(organisation_id: int) -> int:
    """How many current staff have not agreed to the staff agreement in force (0 when there
    is none): a figure for the dashboard, no names, so not audited."""
    version = current_version(organisation_id, Audience.STAFF)
    if version is None:
        return 0
    agreed = AupSignature.objects.filter(version=version, user=OuterRef("user"))
    return (
        StaffMember.objects.filter(organisation_id=organisation_id, user__is_active=True)
        .exclude(Exists(agreed))
        .count()
    )


# The training register (ORG-3) ---------------------------------------------------------------


@dataclass(frozen=True)
class CourseCounts:
    course: TrainingCourse
    counts: dict[str, int]  # status -> how many of the staff shown


@dataclass(frozen=True)
class TrainingRegister:
    courses: list[TrainingCourse]  # the columns shown
    counts: list[CourseCounts]
    rows: QuerySet[StaffMember]  # each with ``status_<course id>`` and ``done_<course id>``


def _with_course_status(
    staff: QuerySet[StaffMember], course: TrainingCourse, organisation: Organisation, today: date
) -> QuerySet[StaffMember]:
    """``done_<id>``: the day of the latest completion (``completion_<id>``, with its
    certificate's file ``file_<id>``); ``status_<id>``: its status today, by the rules of
    ``training.status_of``, worked out by the database."""
    done = f"done_{course.pk}"
    latest_values = TrainingCompletion.objects.filter(course=course, staff=OuterRef("pk")).order_by(
        "-completed_on", "-id"
    )
    latest = latest_values.values("completed_on")[:1]
    whens = []
    required = required_condition(course)
    if required:
        whens.append(When(~required, then=Value(TrainingStatus.NOT_REQUIRED)))
    whens.append(When(**{f"{done}__isnull": True}, then=Value(TrainingStatus.NEVER)))
    if course.valid_months:
        bounds = bounds_for(
            course.valid_months, today=today, warning_days=organisation.compliance_warning_days
        )
        whens.append(
            When(**{f"{done}__lte": bounds.expired_by}, then=Value(TrainingStatus.EXPIRED))
        )
        whens.append(
            When(**{f"{done}__lte": bounds.expiring_by}, then=Value(TrainingStatus.EXPIRING))
        )
    staff = staff.annotate(
        **{
            done: Subquery(latest),
            f"completion_{course.pk}": Subquery(latest_values.values("pk")[:1]),
            f"file_{course.pk}": Subquery(latest_values.values("certificate_file")[:1]),
        }
    )
    return staff.annotate(
        **{
            f"status_{course.pk}": Case(
                *whens, default=Value(TrainingStatus.CURRENT), output_field=CharField()
            )
        }
    )


def training_register_for(
    viewer: User, *, course_id: int | None = None, status: str = ""
) -> TrainingRegister:
    """The organisation's current staff (not those who left), each with the status of every
    course (or only ``course_id``'s), and how many are in each status for each course. With
    ``status``, only those in it for the course chosen (for any course, with none chosen).
    Reading it is audited as the staff list's compliance is."""
    require(viewer, Permission.VIEW_STAFF_COMPLIANCE)
    organisation = Organisation.objects.get(pk=viewer.organisation_id)
    today = organisation.today()
    courses = list(TrainingCourse.objects.filter(organisation=organisation))
    if course_id is not None:
        courses = [course for course in courses if course.pk == course_id]
        if not courses:
            raise Http404("No such course.")
    staff = staff_list_visible_to(viewer).filter(user__is_active=True)
    for course in courses:
        staff = _with_course_status(staff, course, organisation, today)
    aggregates = {
        f"{course.pk}_{value}": Count("pk", filter=Q(**{f"status_{course.pk}": value}))
        for course in courses
        for value in TrainingStatus.values
    }
    found = staff.aggregate(**aggregates) if aggregates else {}
    counts = [
        CourseCounts(
            course, {value: found[f"{course.pk}_{value}"] for value in TrainingStatus.values}
        )
        for course in courses
    ]
    if status in TrainingStatus.values and courses:
        either = Q()
        for course in courses:
            either |= Q(**{f"status_{course.pk}": status})
        staff = staff.filter(either)
    record(
        action=AuditAction.STAFF_COMPLIANCE_VIEWED,
        actor=viewer,
        obj=organisation,
        data={"register": "training", "course": course_id, "status": status},
    )
    return TrainingRegister(courses, counts, staff)


@dataclass(frozen=True)
class MyCourse:
    course: TrainingCourse
    status: TrainingStatus
    completed_on: date | None
    valid_until: date | None
    completions: list[TrainingCompletion]


def my_training(viewer: User) -> list[MyCourse] | None:
    """The viewer's own courses: their status and every completion recorded (None for those
    who are not staff)."""
    staff = viewer.staff_record()  # read once per request, with the viewer's roles
    if staff is None:
        return None
    organisation = viewer.organisation
    today = organisation.today()
    completions: dict[int, list[TrainingCompletion]] = {}
    for completion in TrainingCompletion.objects.filter(staff=staff).order_by(
        "-completed_on", "-id"
    ):
        completions.setdefault(completion.course_id, []).append(completion)
    mine = []
    for course in TrainingCourse.objects.filter(organisation=organisation):
        done = completions.get(course.pk, [])
        latest = done[0].completed_on if done else None
        required = must_take(viewer, course)
        mine.append(
            MyCourse(
                course,
                status_of(
                    latest,
                    valid_months=course.valid_months,
                    required=required,
                    today=today,
                    warning_days=organisation.compliance_warning_days,
                ),
                latest,
                valid_until(latest, course.valid_months) if latest else None,
                done,
            )
        )
    return mine


def certificate_for(viewer: User, completion_id: int) -> TrainingCompletion:
    """A completion with its certificate's file, for the member of staff it is about or those
    who read the register; anyone else, or no file, is "not found". Opening it is audited."""
    completion = (
        TrainingCompletion.objects.filter(pk=completion_id, organisation_id=viewer.organisation_id)
        .exclude(certificate_file="")
        .select_related("staff")
        .first()
    )
    if completion is None or not (
        completion.staff.user_id == viewer.pk or can(viewer, Permission.VIEW_STAFF_COMPLIANCE)
    ):
        raise Http404("No such certificate.")
    record(
        action=AuditAction.TRAINING_CERTIFICATE_VIEWED,
        actor=viewer,
        obj=completion,
        data={"completion": completion.pk, "staff": completion.staff_id},
    )
    return completion


@dataclass(frozen=True)
class Overdue:
    """For the dashboard: the days of the last check and the last review (None for never),
    and whether either is overdue."""

    last_check_on: date | None
    last_review_on: date | None
    check_overdue: bool
    review_overdue: bool


def filtering_overdue(organisation_id: int, *, today: date) -> Overdue:
    """Whether the filtering reports are overdue a check or the filtering a review, by the
    same rules as ``filtering_oversight``, in one query: dates only, nobody named."""
    last = FilterCheck.objects.filter(organisation_id=organisation_id).aggregate(
        check=Max("checked_on"),
        review=Max("checked_on", filter=Q(kind=FilterCheckKind.REVIEW)),
    )
    return Overdue(
        last_check_on=last["check"],
        last_review_on=last["review"],
        check_overdue=last["check"] is None
        or last["check"] < months_before(today, CHECK_EVERY_MONTHS),
        review_overdue=last["review"] is None
        or last["review"] < months_before(today, REVIEW_EVERY_MONTHS),
    )


def training_completions_of(staff: Any) -> QuerySet[TrainingCompletion]:
    """A member of staff's training records (``staff`` may be an ``OuterRef``)."""
    return TrainingCompletion.objects.filter(staff=staff)


def agreements_signed_by(user: Any) -> QuerySet[AupSignature]:
    """A person's acceptable use signatures (``user`` may be an ``OuterRef``)."""
    return AupSignature.objects.filter(user=user)


def agreements_of_person(
    *, user_id: int | None = None, learner_id: int | None = None, guardian_id: int | None = None
) -> list[AupSignature]:
    """Every acceptable use signature by or for one person (subject access, ORG-7), oldest
    first: a member of staff's own, those for a learner, those a parent or carer gave."""
    if user_id is not None:
        who = Q(user_id=user_id)
    elif learner_id is not None:
        who = Q(learner_id=learner_id)
    else:
        who = Q(guardian_id=guardian_id)
    return list(
        AupSignature.objects.filter(who)
        .select_related("version", "learner", "guardian")
        .order_by("created_at", "id")
    )


def board_meetings_of(viewer: User) -> QuerySet[BoardMeeting]:
    """The days the viewer's organisation's board meets, soonest first."""
    require(viewer, Permission.SET_BOARD_MEETINGS)
    return BoardMeeting.objects.filter(organisation_id=viewer.organisation_id).order_by(
        "-meets_on", "-pk"
    )

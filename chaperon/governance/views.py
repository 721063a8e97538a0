"""Governance pages. The safeguarding team's contacts: published for learners and families
without sign-in (``/contacts/<slug>/``), and for staff with their work email addresses, where
those who run the organisation name its posts and what is published (ORG-1). The acceptable use
agreements: the staff agreement to sign, and for those who publish them, the versions in force
and the register of who has signed (ORG-2). The filtering and monitoring reports: imported,
read, acted on and their checks recorded, beside the live rooms' chat screening (ORG-5). The
register of personal information, as a page and a CSV (ORG-7). The training register (ORG-3)."""

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chaperon.core.exceptions import ValidationFailed
from chaperon.core.forms import Form, form_status, show_errors
from chaperon.core.pagination import page_of
from chaperon.core.rendering import render_in_zone
from chaperon.core.uploads import refuse_oversized, upload_limits
from chaperon.people.imports.report import RowError
from chaperon.people.models import User
from chaperon.people.permissions import viewer_of
from chaperon.people.pickers import kept_input, searching
from chaperon.people.selectors import organisation_for, organisation_with_slug, staff_member_of
from chaperon.rooms.selectors import chat_screening_counts

from . import services
from .agreements import agreement_link_opened, current_version, has_signed_current
from .audiences import BY_LINK
from .aup_links import AupLinkProblem, open_agreement_link
from .board import (
    annual_review_for,
    annual_reviews_listed,
    board_report_for,
    board_reports_listed,
    self_review_for,
    self_reviews_listed,
)
from .board_pdf import board_report_pdf
from .certificates import CERTIFICATE_MAX_BYTES, certificate_file
from .charts import board_charts, radar_chart
from .filtering_csv import COLUMN_HELP as FILTER_COLUMNS
from .filtering_csv import MAX_BYTES, MAX_ROWS
from .forms import (
    AskByLinkForm,
    BoardMeetingForm,
    BoardNarrativeForm,
    FilterCheckForm,
    FilterEntriesForm,
    FilterReportUploadForm,
    GivePostForm,
    PublishAupForm,
    ReviewActionForm,
    ReviewFindingsForm,
    ReviewRiskForm,
    ReviewStartForm,
    SelfReviewActionForm,
    SelfReviewForm,
    SignAupForm,
    SignByLinkForm,
    TrainingCompletionForm,
    TrainingCourseForm,
    TrainingCourseRenameForm,
    TrainingFiltersForm,
)
from .middleware import AGREED_KEY
from .models import (
    SERIOUS_CATEGORIES,
    AnnualReview,
    Audience,
    FilterCategory,
    FilterEntry,
    Post,
    SelfReview,
    TrainingCourse,
)
from .permissions import (
    may_act_on_filtering,
    may_make_self_review,
    may_manage_training,
    may_name_team,
    may_publish_agreements,
    may_read_annual_review,
    may_read_filtering,
    may_read_training,
    may_see_personal_information,
    may_see_team,
    may_set_board_meetings,
    may_sign_off_annual_review,
    may_write_annual_review,
    may_write_board_report,
)
from .quarters import Quarter, SchoolYear, quarter_from_key, school_year_of
from .register import register_csv, register_groups
from .selectors import (
    CHECK_EVERY_MONTHS,
    LinkRegister,
    StaffRegister,
    agreements_in_force,
    board_meetings_of,
    certificate_for,
    filter_report_entries_for,
    filter_reports_visible_to,
    filtering_oversight,
    link_agreement_register,
    months_before,
    my_training,
    safeguarding_team,
    staff_agreement_register,
    training_register_for,
)
from .self_review import ASPECTS, ELEMENTS, EVIDENCE, LEVELS
from .services.board_meetings import reminder_days
from .training import TrainingStatus


@require_GET
def public_contacts(request: HttpRequest, slug: str) -> HttpResponse:
    """/contacts/<slug>/: no sign-in. Names, posts and the lines published; never an email
    address of anyone's own."""
    organisation = organisation_with_slug(slug)
    if organisation is None:
        raise Http404("No such organisation.")
    return render_in_zone(
        request,
        "governance/contacts.html",
        {"team": safeguarding_team(organisation), "public": True},
        zone=organisation.zone,
    )


def _staff_of(viewer: User) -> QuerySet[User]:
    return User.objects.filter(organisation_id=viewer.organisation_id, staff__isnull=False)


def _team_page(request: HttpRequest, give_form: GivePostForm | None = None) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_see_team(viewer):
        raise PermissionDenied("Your role does not allow this.")
    manage = may_name_team(viewer)
    if manage and give_form is None:
        give_form = GivePostForm(staff=_staff_of(viewer))
    return render(
        request,
        "governance/team.html",
        {
            "nav": "team",
            "team": safeguarding_team(organisation_for(viewer)),
            "show_emails": True,
            "manage": manage,
            "give_form": give_form if manage else None,
            "form": give_form if manage else None,
        },
        status=form_status(give_form) if give_form is not None else 200,
    )


@login_required
@require_GET
def team(request: HttpRequest) -> HttpResponse:
    return _team_page(request)


def _member(viewer: User, user_id: int) -> User:
    """A member of staff of the viewer's organisation, or "not found"."""
    return get_object_or_404(
        User, pk=user_id, organisation_id=viewer.organisation_id, staff__isnull=False
    )


@login_required
@require_http_methods(["POST"])
def give(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_name_team(viewer):
        raise PermissionDenied("Your role does not allow this.")
    staff = _staff_of(viewer)
    if searching(request.POST):  # the picker's Find: the form again with what it found
        form = GivePostForm(initial=kept_input(request.POST, GivePostForm), staff=staff)
        return _team_page(request, form)
    form = GivePostForm(request.POST, staff=staff)
    if form.is_valid():
        try:
            services.team_post_give(
                actor=viewer, user=form.cleaned_data["user"], post=form.cleaned_data["post"]
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            post = Post(form.cleaned_data["post"])
            messages.success(
                request, f"{form.cleaned_data['user'].full_name} now holds the post: {post.label}."
            )
            return redirect("governance:team")
    return _team_page(request, form)


@login_required
@require_POST
def take(request: HttpRequest, post: str, user_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_name_team(viewer):
        raise PermissionDenied("Your role does not allow this.")
    member = _member(viewer, user_id)
    try:
        services.team_post_take(actor=viewer, user=member, post=post)
    except ValidationFailed as error:
        messages.error(request, " ".join(error.errors.values()))
    else:
        messages.success(request, f"{member.full_name} no longer holds the post.")
    return redirect("governance:team")


@login_required
@require_POST
def contact(request: HttpRequest, user_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_name_team(viewer):
        raise PermissionDenied("Your role does not allow this.")
    member = _member(viewer, user_id)
    try:
        services.published_contact_set(actor=viewer, user=member, line=request.POST.get("line", ""))
    except ValidationFailed as error:
        messages.error(
            request,
            f"The contact for {member.full_name} was not saved: " + " ".join(error.errors.values()),
        )
    else:
        messages.success(request, f"The contact published for {member.full_name} is saved.")
    return redirect("governance:team")


# Acceptable use agreements (ORG-2) -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def agreement(request: HttpRequest) -> HttpResponse:
    """/governance/agreement/: the staff agreement in force, to read and sign; then on to the
    page that was asked for (``next``, on this site only)."""
    viewer = viewer_of(request)
    version = current_version(viewer.organisation_id, Audience.STAFF)
    goes_on = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(goes_on, allowed_hosts={request.get_host()}):
        goes_on = reverse("people:dashboard")
    if version is None or has_signed_current(viewer):
        request.session[AGREED_KEY] = True
        if request.method == "GET" and version is not None:
            return render(
                request, "governance/agreement.html", {"version": version, "signed": True}
            )
        return redirect(goes_on)
    form = SignAupForm(request.POST or None, initial={"version": version.pk})
    if request.method == "POST" and form.is_valid():
        try:
            services.aup_sign(actor=viewer, version_id=form.cleaned_data["version"])
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            request.session[AGREED_KEY] = True
            messages.success(request, f"Thank you: you agreed to {version.title}.")
            return redirect(goes_on)
    return render(
        request,
        "governance/agreement.html",
        {"version": version, "form": form, "signed": False},
        status=form_status(form),
    )


def _agreements_page(request: HttpRequest, form: PublishAupForm | None = None) -> HttpResponse:
    viewer = viewer_of(request)
    shown = request.GET.get("signed", "")
    signed = {"yes": True, "no": False}.get(shown)
    audience = request.GET.get("audience", Audience.STAFF)
    if audience not in BY_LINK:
        audience = Audience.STAFF
    register: StaffRegister | LinkRegister
    if audience == Audience.STAFF:
        register = staff_agreement_register(viewer, signed=signed)
    else:
        register = link_agreement_register(viewer, audience, signed=signed)
    listing = page_of(register.rows, request)
    form = form or PublishAupForm(initial={"audience": Audience.STAFF})
    return render(
        request,
        "governance/agreements.html",
        {
            "nav": "agreements",
            "in_force": agreements_in_force(viewer),
            "audiences": [
                (value, label) for value, label in Audience.choices if value != Audience.GUEST
            ],
            "audience": audience,
            "audience_label": Audience(audience).label,
            "register": register,
            "listing": listing,
            "shown": shown,
            "form": form,
        },
        status=form_status(form),
    )


@login_required
@require_GET
def agreements(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_publish_agreements(viewer):
        raise PermissionDenied("Your role does not allow this.")
    return _agreements_page(request)


@login_required
@require_POST
def agreement_publish(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_publish_agreements(viewer):
        raise PermissionDenied("Your role does not allow this.")
    form = PublishAupForm(request.POST)
    if form.is_valid():
        try:
            version = services.aup_publish(
                actor=viewer, organisation=viewer.organisation, **form.cleaned_data
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            messages.success(
                request,
                f"Version {version.number} of {version.title} is published: everyone it is "
                "for is asked to sign it.",
            )
            return redirect("governance:agreements")
    return _agreements_page(request, form)


@login_required
@require_POST
def agreements_ask(request: HttpRequest) -> HttpResponse:
    """Send a personal link to everyone in a learners' or the parents' audience who has not
    agreed to the version in force and was not sent one yet."""
    viewer = viewer_of(request)
    if not may_publish_agreements(viewer):
        raise PermissionDenied("Your role does not allow this.")
    form = AskByLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose learners or parents and carers to ask.")
        return redirect("governance:agreements")
    audience = form.cleaned_data["audience"]
    try:
        version = services.aup_requests_ask(actor=viewer, audience=audience)
    except ValidationFailed as error:
        messages.error(request, "; ".join(str(text) for text in error.errors.values()))
    else:
        messages.success(
            request,
            f"The links to {version.title} are being sent to everyone it is for who has not "
            "agreed or been asked yet: this page counts them as they go.",
        )
    return redirect(f"{reverse('governance:agreements')}?audience={audience}")


def _link_problem(request: HttpRequest, error: AupLinkProblem) -> HttpResponse:
    aup_request = error.aup_request
    organisation = aup_request.organisation if aup_request is not None else None
    return render_in_zone(
        request,
        "governance/agree_problem.html",
        {"message": str(error), "organisation": organisation},
        zone=organisation.zone if organisation is not None else None,
        status=404 if error.problem == "invalid" else 410,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def agree_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """/agree/<token>/: no sign-in. A learner, or a parent or carer, reads the agreement sent to
    them and signs it with their typed name."""
    try:
        aup_request = open_agreement_link(token)
    except AupLinkProblem as error:
        return _link_problem(request, error)
    if request.method == "GET":
        agreement_link_opened(aup_request)
    form = SignByLinkForm(request.POST or None)
    signed = False
    if request.method == "POST" and form.is_valid():
        try:
            services.aup_sign_by_link(token=token, signed_name=form.cleaned_data["signed_name"])
        except AupLinkProblem as error:
            return _link_problem(request, error)
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            signed = True
    return render_in_zone(
        request,
        "governance/agree.html",
        {
            "aup_request": aup_request,
            "version": aup_request.version,
            "organisation": aup_request.organisation,
            "form": form,
            "signed": signed,
        },
        zone=aup_request.organisation.zone,
        status=form_status(form),
    )


# Filtering and monitoring reports (ORG-5) ----------------------------------------------------


def _filtering_page(
    request: HttpRequest,
    *,
    check_form: FilterCheckForm | None = None,
) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_read_filtering(viewer):
        raise PermissionDenied("Your role does not allow this.")
    act = may_act_on_filtering(viewer)
    organisation = organisation_for(viewer)
    today = organisation.today()
    # The live rooms' chat screening over the same term the checks look back on.
    since = datetime.combine(
        months_before(today, CHECK_EVERY_MONTHS), time.min, tzinfo=organisation.zone
    )
    if act and check_form is None:
        check_form = FilterCheckForm(initial={"checked_on": today, "kind": "check"})
    return render(
        request,
        "governance/filtering.html",
        {
            "nav": "filtering",
            "listing": page_of(filter_reports_visible_to(viewer), request, per_page=20),
            "oversight": filtering_oversight(viewer, today=today),
            "screening": chat_screening_counts(viewer, since=since),
            "act": act,
            "form": check_form if act else None,
        },
        status=form_status(check_form) if check_form is not None else 200,
    )


@login_required
@require_GET
def filtering(request: HttpRequest) -> HttpResponse:
    return _filtering_page(request)


@login_required
@require_http_methods(["GET", "POST"])
def filtering_upload(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_act_on_filtering(viewer):
        raise PermissionDenied("Your role does not allow this.")
    form = FilterReportUploadForm(request.POST or None, request.FILES or None)
    refused: tuple[RowError, ...] = ()
    if request.method == "POST" and form.is_valid():
        outcome = services.filter_report_import(
            actor=viewer,
            organisation=organisation_for(viewer),
            text=form.cleaned_data["file"],
            file_name=form.file_name,
        )
        if outcome.report is not None:
            report = outcome.report
            messages.success(
                request,
                f"The report is imported: {report.entry_count} entries, "
                f"{report.serious_count} serious, {report.unmatched_count} not matched to anyone.",
            )
            return redirect("governance:filtering_report", report_id=report.pk)
        refused = outcome.errors
    return render(
        request,
        "governance/filtering_upload.html",
        {
            "nav": "filtering",
            "form": form,
            "refused": refused,
            "columns": FILTER_COLUMNS,
            "categories": [
                (category, category in SERIOUS_CATEGORIES) for category in FilterCategory
            ],
            "max_rows": MAX_ROWS,
            "max_bytes": MAX_BYTES,
        },
        status=400 if refused or form_status(form) == 400 else 200,
    )


@login_required
@require_GET
def filtering_report(request: HttpRequest, report_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    form = FilterEntriesForm(request.GET)
    valid = form.is_valid()
    shown = filter_report_entries_for(
        viewer,
        report_id,
        serious_only=bool(valid and form.cleaned_data["serious"]),
        category=str(form.cleaned_data["category"]) if valid else "",
    )
    return render(
        request,
        "governance/filtering_report.html",
        {
            "nav": "filtering",
            "report": shown.report,
            "filters": form,
            "listing": page_of(shown.entries, request),
            "act": may_act_on_filtering(viewer),
            "zone": organisation_for(viewer).zone,
        },
    )


@login_required
@require_POST
def filtering_raise(request: HttpRequest, entry_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_act_on_filtering(viewer):
        raise PermissionDenied("Your role does not allow this.")
    back = request.POST.get("back", "")
    try:
        entry = services.filter_entry_raise_concern(actor=viewer, entry_id=entry_id)
    except ValidationFailed as error:
        messages.error(request, "No concern was raised: " + " ".join(error.errors.values()))
        report_id = (
            FilterEntry.objects.filter(pk=entry_id, organisation_id=viewer.organisation_id)
            .values_list("report_id", flat=True)
            .first()
        )
        if report_id is None:
            return redirect("governance:filtering")
    else:
        report_id = entry.report_id
        messages.success(
            request,
            f"Concern {entry.concern_reference} is raised from line {entry.line} and has "
            "reached the safeguarding team.",
        )
    target = reverse("governance:filtering_report", args=[report_id])
    if back.startswith("?"):
        target += back
    return redirect(target)


@login_required
@require_POST
def filtering_check(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_act_on_filtering(viewer):
        raise PermissionDenied("Your role does not allow this.")
    form = FilterCheckForm(request.POST)
    if form.is_valid():
        try:
            check = services.filter_check_record(
                actor=viewer,
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
                checked_on=form.cleaned_data["checked_on"],
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Recorded: {check.get_kind_display().lower()}.")
            return redirect("governance:filtering")
    return _filtering_page(request, check_form=form)


def _register_viewer(request: HttpRequest) -> User:
    viewer = viewer_of(request)
    if not may_see_personal_information(viewer):
        raise PermissionDenied("Your role does not allow this.")
    return viewer


@login_required
@require_GET
def personal_information(request: HttpRequest) -> HttpResponse:
    """What personal information the organisation holds, about whom, why, on what basis, for
    how long and who sees it (ORG-7): kinds of information and roles, never a person."""
    viewer = _register_viewer(request)
    organisation = organisation_for(viewer)
    return render(
        request,
        "governance/personal_information.html",
        {"nav": "personal_information", "groups": register_groups(organisation)},
    )


@login_required
@require_GET
def personal_information_csv(request: HttpRequest) -> HttpResponse:
    viewer = _register_viewer(request)
    response = HttpResponse(
        register_csv(organisation_for(viewer)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="personal-information.csv"'
    return response


# The training register (ORG-3) ---------------------------------------------------------------


def _courses(viewer: User) -> list[tuple[int, str]]:
    courses = services.training_courses_ensure(actor=viewer, organisation=organisation_for(viewer))
    return [(course.pk, course.name) for course in courses]


def _training_page(
    request: HttpRequest,
    course_form: TrainingCourseForm | None = None,
    *,
    refused: dict[int, str] | None = None,
) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_read_training(viewer):
        raise PermissionDenied("Your role does not allow this.")
    courses = _courses(viewer)
    filters = TrainingFiltersForm(request.GET, courses=courses)
    valid = filters.is_valid()
    register = training_register_for(
        viewer,
        course_id=filters.cleaned_data["course"] if valid else None,
        status=str(filters.cleaned_data["status"]) if valid else "",
    )
    listing = page_of(register.rows, request)
    rows = [
        (
            member,
            [
                (
                    TrainingStatus(getattr(member, f"status_{course.pk}")),
                    getattr(member, f"done_{course.pk}"),
                    getattr(member, f"completion_{course.pk}")
                    if getattr(member, f"file_{course.pk}")
                    else None,
                )
                for course in register.courses
            ],
        )
        for member in listing.rows
    ]
    manage = may_manage_training(viewer)
    if manage and course_form is None:
        course_form = TrainingCourseForm(
            initial={"kind": "other", "required_of": "everyone", "valid_months": 12}
        )
    return render(
        request,
        "governance/training.html",
        {
            "nav": "training",
            "register": register,
            "filters": filters,
            "statuses": TrainingStatus.choices,
            "listing": listing,
            "rows": rows,
            "manage": manage,
            "form": course_form if manage else None,
            "all_courses": [
                (course, (refused or {}).get(course.pk, ""))
                for course in TrainingCourse.objects.filter(organisation_id=viewer.organisation_id)
            ],
        },
        status=400 if refused else form_status(course_form) if course_form is not None else 200,
    )


@login_required
@require_GET
def training(request: HttpRequest) -> HttpResponse:
    """/governance/training/: the register of who has done which course, and when it lapses."""
    return _training_page(request)


@login_required
@require_POST
def training_course(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_manage_training(viewer):
        raise PermissionDenied("Your role does not allow this.")
    form = TrainingCourseForm(request.POST)
    if form.is_valid():
        try:
            course = services.training_course_add(actor=viewer, **form.cleaned_data)
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            messages.success(request, f"The course {course.name} is added to the register.")
            return redirect("governance:training")
    return _training_page(request, form)


@login_required
@require_POST
def training_course_rename(request: HttpRequest, course_id: int) -> HttpResponse:
    """Give a course a new name: its completions stay with it (ORG-3)."""
    viewer = viewer_of(request)
    if not may_manage_training(viewer):
        raise PermissionDenied("Your role does not allow this.")
    form = TrainingCourseRenameForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed({"name": " ".join(str(e) for e in form.errors.get("name", []))})
        course = services.training_course_rename(
            actor=viewer, course_id=course_id, name=form.cleaned_data["name"]
        )
    except ValidationFailed as error:
        problem = "; ".join(error.errors.values())
        return _training_page(request, refused={course_id: f"New name: {problem}"})
    messages.success(request, f"The course is renamed {course.name}; its completions stay.")
    return redirect("governance:training")


@login_required
@require_POST
def training_course_retire(request: HttpRequest, course_id: int) -> HttpResponse:
    """Retire a course, or bring it back (``retired`` 0) (ORG-3)."""
    viewer = viewer_of(request)
    if not may_manage_training(viewer):
        raise PermissionDenied("Your role does not allow this.")
    retired = request.POST.get("retired") != "0"
    try:
        course = services.training_course_retire(actor=viewer, course_id=course_id, retired=retired)
    except ValidationFailed as error:
        return _training_page(request, refused={course_id: " ".join(error.errors.values())})
    messages.success(
        request,
        f"{course.name} is retired: no longer required, and kept in the register."
        if retired
        else f"{course.name} is required again.",
    )
    return redirect("governance:training")


@login_required
@require_http_methods(["GET", "POST"])
@upload_limits(certificate_file=CERTIFICATE_MAX_BYTES)
def training_record(request: HttpRequest) -> HttpResponse:
    """Record that a member of staff completed a course."""
    viewer = viewer_of(request)
    if not may_manage_training(viewer):
        raise PermissionDenied("Your role does not allow this.")
    courses = _courses(viewer)
    staff = _staff_of(viewer).filter(is_active=True)
    today = organisation_for(viewer).today()
    if request.method == "GET" or searching(request.POST):
        initial = kept_input(request.POST, TrainingCompletionForm) if request.POST else {}
        initial.setdefault("completed_on", today)
        if "course" in request.GET:
            initial.setdefault("course", request.GET["course"])
        form = TrainingCompletionForm(initial=initial, staff=staff, courses=courses)
    else:
        form = TrainingCompletionForm(request.POST, request.FILES, staff=staff, courses=courses)
        refuse_oversized(request, form)
        if form.is_valid():
            data = form.cleaned_data
            upload = data["certificate_file"]
            try:
                checked = (
                    certificate_file(name=upload.name or "", content=upload.read())
                    if upload
                    else None
                )
                completion = services.training_completion_record(
                    actor=viewer,
                    staff=data["user"].staff,
                    course_id=data["course"],
                    completed_on=data["completed_on"],
                    certificate=data["certificate"],
                    note=data["note"],
                    certificate_upload=checked,
                )
            except ValidationFailed as error:
                show_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Recorded: {data['user'].full_name} completed {completion.course.name} "
                    f"on {completion.completed_on:%d/%m/%Y}.",
                )
                return redirect(f"{reverse('governance:training')}?course={completion.course_id}")
    return render(
        request,
        "governance/training_record.html",
        {"nav": "training", "form": form},
        status=form_status(form),
    )


@login_required
@require_GET
def my_training_page(request: HttpRequest) -> HttpResponse:
    """/governance/training/mine/: the signed-in member of staff's own courses."""
    viewer = viewer_of(request)
    if staff_member_of(viewer) is None:
        raise PermissionDenied("Only staff have training recorded.")
    _courses(viewer)
    return render(
        request,
        "governance/my_training.html",
        {"nav": "my_training", "mine": my_training(viewer)},
    )


@login_required
@require_GET
def training_certificate(request: HttpRequest, completion_id: int) -> FileResponse:
    """A completion's certificate file, to the member of staff or those who read the register."""
    completion = certificate_for(viewer_of(request), completion_id)
    return FileResponse(
        default_storage.open(str(completion.certificate_file.name), "rb"),
        as_attachment=True,
        filename=completion.certificate_file_name or "certificate",
        content_type=completion.certificate_file_type or "application/octet-stream",
    )


# The board's quarterly report (ORG-6) ---------------------------------------------------------


def _quarter(key: str) -> Quarter:
    quarter = quarter_from_key(key)
    if quarter is None:
        raise Http404("No such quarter.")
    return quarter


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """/governance/board/: the quarters' reports, newest first."""
    viewer = viewer_of(request)
    return render(
        request,
        "governance/board.html",
        {
            "nav": "board_reports",
            "quarters": board_reports_listed(viewer),
            "set_meetings": may_set_board_meetings(viewer),
        },
    )


def _board_page(
    request: HttpRequest, key: str, form: BoardNarrativeForm | None = None
) -> HttpResponse:
    viewer = viewer_of(request)
    quarter = _quarter(key)
    shown = board_report_for(viewer, quarter, form="page")
    write = may_write_board_report(viewer)
    if write and form is None:
        form = BoardNarrativeForm(
            initial={"narrative": shown.report.narrative if shown.report else ""}
        )
    return render_in_zone(
        request,
        "governance/board_report.html",
        {
            "nav": "board_reports",
            "quarter": quarter,
            "figures": shown.figures,
            "report": shown.report,
            "charts": board_charts(shown.figures),
            "form": form if write else None,
        },
        zone=shown.figures.organisation.zone,
        status=form_status(form) if form is not None else 200,
    )


@login_required
@require_GET
def board_report(request: HttpRequest, key: str) -> HttpResponse:
    return _board_page(request, key)


@login_required
@require_POST
def board_narrative(request: HttpRequest, key: str) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_write_board_report(viewer):
        raise PermissionDenied("Your role does not allow this.")
    quarter = _quarter(key)
    form = BoardNarrativeForm(request.POST)
    if form.is_valid():
        try:
            services.board_narrative_save(
                actor=viewer, quarter=quarter, narrative=form.cleaned_data["narrative"]
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            messages.success(request, "The narrative is saved in the report.")
            return redirect("governance:board_report", key=quarter.key)
    return _board_page(request, key, form)


@login_required
@require_GET
def board_report_pdf_view(request: HttpRequest, key: str) -> HttpResponse:
    viewer = viewer_of(request)
    quarter = _quarter(key)
    shown = board_report_for(viewer, quarter, form="pdf")
    pdf = board_report_pdf(shown.figures, board_charts(shown.figures), shown.report)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="online-safety-board-report-{quarter.key}.pdf"'
    )
    return response


# The annual review (ORG-6) ---------------------------------------------------------------------


def _review_years(viewer: User) -> list[tuple[int, str]]:
    """The school year now and the one before, to begin a review of."""
    year = school_year_of(organisation_for(viewer).today())
    return [(y.year, y.label) for y in (year, year.previous())]


def _active_staff(viewer: User) -> QuerySet[User]:
    return User.objects.filter(organisation_id=viewer.organisation_id, is_active=True).exclude(
        staff__isnull=True
    )


@login_required
@require_GET
def reviews(request: HttpRequest) -> HttpResponse:
    """/governance/review/: each school year's review and its versions."""
    viewer = viewer_of(request)
    listed = annual_reviews_listed(viewer)
    write = may_write_annual_review(viewer)
    return render(
        request,
        "governance/reviews.html",
        {
            "nav": "review",
            "reviews": listed,
            "form": ReviewStartForm(years=_review_years(viewer)) if write else None,
        },
    )


@login_required
@require_POST
def review_start(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_write_annual_review(viewer):
        raise PermissionDenied("Your role does not allow this.")
    form = ReviewStartForm(request.POST, years=_review_years(viewer))
    if form.is_valid():
        try:
            review = services.annual_review_start(
                actor=viewer, year=SchoolYear(form.cleaned_data["year"])
            )
        except ValidationFailed as error:
            messages.error(request, " ".join(str(e) for e in error.errors.values()))
        else:
            messages.success(request, "The review is begun.")
            return redirect("governance:review", review_id=review.pk)
    return redirect("governance:reviews")


def _review_page(
    request: HttpRequest,
    review_id: int,
    *,
    forms: dict[str, Form] | None = None,
    refused: str = "",
) -> HttpResponse:
    viewer = viewer_of(request)
    shown = annual_review_for(viewer, review_id)
    review = shown.review
    writing = may_write_annual_review(viewer) and not review.signed_off
    staff = _active_staff(viewer)
    given = forms or {}
    context: dict[str, object] = {
        "nav": "review",
        "shown": shown,
        "review": review,
        "writing": writing,
        "may_new_version": may_write_annual_review(viewer)
        and review.signed_off
        and shown.versions[0].pk == review.pk,
        "may_sign_off": may_sign_off_annual_review(viewer) and not review.signed_off,
        "refused": refused,
    }
    if writing:
        context["risk_form"] = given.get("risk") or ReviewRiskForm(staff=staff)
        context["action_form"] = given.get("action") or ReviewActionForm(staff=staff)
        context["findings_form"] = given.get("findings") or ReviewFindingsForm(
            initial={"findings": review.findings}
        )
    bound = [form for form in given.values() if form.is_bound]
    status = 400 if refused or any(form.errors for form in bound) else 200
    return render_in_zone(
        request,
        "governance/review.html",
        context,
        zone=review.organisation.zone,
        status=status,
    )


@login_required
@require_GET
def review(request: HttpRequest, review_id: int) -> HttpResponse:
    return _review_page(request, review_id)


def _review_of(viewer: User, review_id: int) -> AnnualReview:
    if not may_read_annual_review(viewer):
        raise PermissionDenied("Your role does not allow this.")
    return get_object_or_404(AnnualReview, pk=review_id, organisation_id=viewer.organisation_id)


@login_required
@require_POST
def review_risk(request: HttpRequest, review_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_write_annual_review(viewer):
        raise PermissionDenied("Your role does not allow this.")
    target = _review_of(viewer, review_id)
    form = ReviewRiskForm(request.POST, staff=_active_staff(viewer))
    if form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("owner")
        try:
            services.annual_review_risk_add(
                actor=viewer, review=target, owner=form.owner_user(), **data
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            messages.success(request, "The risk is added to the risk assessment.")
            return redirect("governance:review", review_id=review_id)
    return _review_page(request, review_id, forms={"risk": form})


@login_required
@require_POST
def review_action(request: HttpRequest, review_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_write_annual_review(viewer):
        raise PermissionDenied("Your role does not allow this.")
    target = _review_of(viewer, review_id)
    form = ReviewActionForm(request.POST, staff=_active_staff(viewer))
    if form.is_valid():
        try:
            services.annual_review_action_add(
                actor=viewer,
                review=target,
                action=form.cleaned_data["action"],
                owner=form.owner_user(),
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            messages.success(request, "The action is added.")
            return redirect("governance:review", review_id=review_id)
    return _review_page(request, review_id, forms={"action": form})


@login_required
@require_POST
def review_action_done(request: HttpRequest, review_id: int, action_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_write_annual_review(viewer):
        raise PermissionDenied("Your role does not allow this.")
    target = _review_of(viewer, review_id)
    try:
        services.annual_review_action_done(
            actor=viewer,
            review=target,
            action_id=action_id,
            done_on=organisation_for(viewer).today(),
        )
    except ValidationFailed as error:
        return _review_page(request, review_id, refused=" ".join(error.errors.values()))
    messages.success(request, "The action is marked done.")
    return redirect("governance:review", review_id=review_id)


@login_required
@require_POST
def review_findings(request: HttpRequest, review_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_write_annual_review(viewer):
        raise PermissionDenied("Your role does not allow this.")
    target = _review_of(viewer, review_id)
    form = ReviewFindingsForm(request.POST)
    if form.is_valid():
        try:
            services.annual_review_findings_save(
                actor=viewer, review=target, findings=form.cleaned_data["findings"]
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            messages.success(request, "The findings are saved.")
            return redirect("governance:review", review_id=review_id)
    return _review_page(request, review_id, forms={"findings": form})


@login_required
@require_POST
def review_sign_off(request: HttpRequest, review_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_sign_off_annual_review(viewer):
        raise PermissionDenied("Your role does not allow this.")
    target = _review_of(viewer, review_id)
    try:
        services.annual_review_sign_off(actor=viewer, review=target)
    except ValidationFailed as error:
        return _review_page(request, review_id, refused=" ".join(error.errors.values()))
    messages.success(request, "The review is signed off for the board.")
    return redirect("governance:review", review_id=review_id)


@login_required
@require_POST
def review_new_version(request: HttpRequest, review_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_write_annual_review(viewer):
        raise PermissionDenied("Your role does not allow this.")
    target = _review_of(viewer, review_id)
    try:
        new = services.annual_review_new_version(actor=viewer, review=target)
    except ValidationFailed as error:
        return _review_page(request, review_id, refused=" ".join(error.errors.values()))
    messages.success(request, f"Version {new.version} is begun as a copy of the last.")
    return redirect("governance:review", review_id=new.pk)


# The self-review (ORG-8) -----------------------------------------------------------------------


@login_required
@require_GET
def self_reviews(request: HttpRequest) -> HttpResponse:
    """/governance/self-review/: the self-reviews by date; the newest opens beside the last."""
    viewer = viewer_of(request)
    listed = self_reviews_listed(viewer)
    return render(
        request,
        "governance/self_reviews.html",
        {"nav": "self_review", "reviews": listed, "make": may_make_self_review(viewer)},
    )


def _aspect_groups(form: SelfReviewForm) -> list[tuple[str, list[tuple[object, ...]]]]:
    return [
        (
            element,
            [
                (
                    aspect,
                    form[f"{aspect.key}_level"],
                    form[f"{aspect.key}_commentary"],
                    EVIDENCE.get(aspect.key, ()),
                )
                for aspect in ASPECTS
                if aspect.element == element
            ],
        )
        for element in ELEMENTS
    ]


@login_required
@require_http_methods(["GET", "POST"])
def self_review_new(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_make_self_review(viewer):
        raise PermissionDenied("Your role does not allow this.")
    if request.method == "POST":
        form = SelfReviewForm(request.POST)
        if form.is_valid():
            try:
                made = services.self_review_record(
                    actor=viewer,
                    reviewed_on=form.cleaned_data["reviewed_on"],
                    ratings=form.ratings(),
                )
            except ValidationFailed as error:
                show_errors(form, error)
            else:
                messages.success(request, "The self-review is recorded.")
                return redirect("governance:self_review", review_id=made.pk)
    else:
        form = SelfReviewForm(initial={"reviewed_on": organisation_for(viewer).today()})
    return render(
        request,
        "governance/self_review_new.html",
        {
            "nav": "self_review",
            "form": form,
            "groups": _aspect_groups(form),
            "levels": LEVELS.values(),
        },
        status=form_status(form),
    )


def _self_review_page(
    request: HttpRequest,
    review_id: int,
    *,
    form: SelfReviewActionForm | None = None,
    refused: str = "",
) -> HttpResponse:
    viewer = viewer_of(request)
    shown = self_review_for(viewer, review_id)
    labels = [element for element, _, _ in shown.elements]
    series = [(f"{shown.review.reviewed_on:%d %b %Y}", [mean for _, mean, _ in shown.elements])]
    if shown.previous is not None:
        series.append(
            (
                f"{shown.previous.reviewed_on:%d %b %Y}",
                [earlier or 0 for _, _, earlier in shown.elements],
            )
        )
    radar = radar_chart(
        labels,
        series,
        title="Mean level of each element",
        alt="Radar chart of the mean level (1 to 5) of each element"
        + (", beside the review before" if shown.previous else "")
        + "; the table beside it gives the same figures.",
    )
    plan = may_make_self_review(viewer)
    if plan and form is None:
        form = SelfReviewActionForm(staff=_active_staff(viewer))
    bound = form is not None and form.is_bound and bool(form.errors)
    return render(
        request,
        "governance/self_review.html",
        {
            "nav": "self_review",
            "shown": shown,
            "radar": radar,
            "levels": LEVELS,
            "plan": plan,
            "action_form": form if plan else None,
            "refused": refused,
        },
        status=400 if bound or refused else 200,
    )


@login_required
@require_GET
def self_review(request: HttpRequest, review_id: int) -> HttpResponse:
    return _self_review_page(request, review_id)


def _self_review_of(viewer: User, review_id: int) -> SelfReview:
    if not may_make_self_review(viewer):
        raise PermissionDenied("Your role does not allow this.")
    return get_object_or_404(SelfReview, pk=review_id, organisation_id=viewer.organisation_id)


@login_required
@require_POST
def self_review_action(request: HttpRequest, review_id: int) -> HttpResponse:
    """Add an action to the self-review's plan; the owner is found with the people picker."""
    viewer = viewer_of(request)
    target = _self_review_of(viewer, review_id)
    staff = _active_staff(viewer)
    if searching(request.POST):
        initial = kept_input(request.POST, SelfReviewActionForm)
        form = SelfReviewActionForm(initial=initial, staff=staff)
        return _self_review_page(request, review_id, form=form)
    form = SelfReviewActionForm(request.POST, staff=staff)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.self_review_action_add(
                actor=viewer,
                review=target,
                aspect=data["aspect"],
                action=data["action"],
                owner=data["owner"],
                due_on=data["due_on"],
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            messages.success(request, "The action is added to the plan.")
            return redirect("governance:self_review", review_id=review_id)
    return _self_review_page(request, review_id, form=form)


@login_required
@require_POST
def self_review_action_mark(request: HttpRequest, review_id: int, action_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    target = _self_review_of(viewer, review_id)
    done = request.POST.get("done") == "1"
    try:
        services.self_review_action_mark(
            actor=viewer, review=target, action_id=action_id, done=done
        )
    except ValidationFailed as error:
        return _self_review_page(request, review_id, refused=" ".join(error.errors.values()))
    messages.success(request, "The action is marked done." if done else "The action is open again.")
    return redirect("governance:self_review", review_id=review_id)


# Board meetings (ORG-6) ------------------------------------------------------------------------


def _board_meetings_page(
    request: HttpRequest, *, form: BoardMeetingForm | None = None, refused: str = ""
) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_set_board_meetings(viewer):
        raise PermissionDenied("Your role does not allow this.")
    organisation = organisation_for(viewer)
    today = organisation.today()
    meetings = board_meetings_of(viewer)
    listing = page_of(meetings, request)
    return render(
        request,
        "governance/board_meetings.html",
        {
            "nav": "board_reports",
            "page": listing.page,
            "query": listing.query,
            "today": today,
            "days": reminder_days(),
            "form": form or BoardMeetingForm(),
            "refused": refused,
        },
        status=400 if refused or (form is not None and form.errors) else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def board_meetings(request: HttpRequest) -> HttpResponse:
    """/governance/board/meetings/: the days the board meets, to add and remove."""
    viewer = viewer_of(request)
    if request.method == "GET":
        return _board_meetings_page(request)
    if not may_set_board_meetings(viewer):
        raise PermissionDenied("Your role does not allow this.")
    form = BoardMeetingForm(request.POST)
    if form.is_valid():
        try:
            meeting = services.board_meeting_add(
                actor=viewer, meets_on=form.cleaned_data["meets_on"]
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            messages.success(request, f"The board meets on {meeting.meets_on:%d/%m/%Y}.")
            return redirect("governance:board_meetings")
    return _board_meetings_page(request, form=form)


@login_required
@require_POST
def board_meeting_remove(request: HttpRequest, meeting_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_set_board_meetings(viewer):
        raise PermissionDenied("Your role does not allow this.")
    try:
        services.board_meeting_remove(actor=viewer, meeting_id=meeting_id)
    except ValidationFailed as error:
        return _board_meetings_page(request, refused=" ".join(error.errors.values()))
    messages.success(request, "The meeting is removed.")
    return redirect("governance:board_meetings")

"""Pages for booking and running sessions: thin, calling services and selectors."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chaperon.core.exceptions import ValidationFailed
from chaperon.core.forms import form_status, show_errors
from chaperon.core.navigation import record_links_for
from chaperon.core.pagination import page_of
from chaperon.core.panels import record_panels_for
from chaperon.people.group_selectors import group_for, group_learners, group_teachers
from chaperon.people.models import Group, User
from chaperon.people.permissions import viewer_of
from chaperon.policy.engine.verdict import Decision, Outcome, Verdict

from . import selectors, services
from .filters import SessionFilterForm
from .fixes import fix_for, fix_links, may_change_parts
from .forms import (
    BookingForm,
    PrepareForm,
    ReasonForm,
    RescheduleForm,
    kept_input,
    local_datetime,
    searching,
)
from .invitations import invitation_for_token
from .models import (
    ExceptionStatus,
    Invitation,
    Session,
    SessionException,
    SessionKind,
    SessionStatus,
)
from .permissions import access_session, is_host, may_book, may_change
from .plans import SESSION_SETTINGS, Proposal, learner_subject, staff_subject


def explained(
    verdict: Verdict | dict[str, Any],
    session_people: dict[str, str],
    *,
    viewer: User,
    session: Session | None = None,
) -> list[dict[str, Any]]:
    """The findings as people read them: who they are about, what would fix each, and links
    to the pages where ``viewer`` can fix it (the booking form itself when ``session`` is
    None)."""
    data = verdict.to_dict() if isinstance(verdict, Verdict) else verdict
    return [
        {
            **finding,
            "who": session_people.get(str(finding.get("subject")), ""),
            "fix": fix_for(str(finding["rule"])),
            "links": fix_links(
                str(finding["rule"]),
                finding.get("subject"),
                viewer=viewer,
                names=session_people,
                session=session,
            ),
        }
        for finding in data.get("findings", [])
    ]


def _names(staff: Any, learners: Any) -> dict[str, str]:
    names = {staff_subject(user.pk): user.full_name for user in staff}
    names.update({learner_subject(learner.pk): learner.full_name for learner in learners})
    return names


@login_required
@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    form = SessionFilterForm(request.GET or None)
    listing = page_of(selectors.sessions_found(viewer, form.filters()), request)
    return render(
        request,
        "sessions/list.html",
        {
            "nav": "sessions",
            "form": form,
            "listing": listing,
            "sessions": listing.rows,
            "include_past": form.filters().include_past,
            "recent": selectors.recent_sessions_for(viewer),
            "recent_days": selectors.RECENT_DAYS,
            "exceptions": selectors.exceptions_awaiting(viewer),
        },
        status=form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_book(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_book(viewer):
        raise Http404("Your role does not book sessions.")
    organisation = viewer.organisation
    if request.method == "POST" and searching(request.POST):
        form = BookingForm(
            initial=kept_input(request.POST, BookingForm),
            organisation=organisation,
            organiser=viewer,
        )
        return render(request, "sessions/book.html", {"nav": "sessions", "form": form})
    group = _booked_for(request, viewer)
    form = BookingForm(
        request.POST or None,
        initial=_class_initial(group, viewer) if group else None,
        organisation=organisation,
        organiser=viewer,
    )
    context: dict[str, Any] = {"nav": "sessions", "form": form, "group": group}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        proposal = Proposal(
            organisation=organisation,
            kind=data["kind"],
            start=form.start(),
            duration_minutes=data["duration_minutes"],
            staff=[viewer, *data["other_staff"]],
            learners=list(data["learners"]),
            **{name: data[name] for name in SESSION_SETTINGS},
            conversation_plan=data["conversation_plan"],
            crisis_plan=data["crisis_plan"],
        )
        try:
            result = services.session_book(
                actor=viewer,
                proposal=proposal,
                title=data["title"],
                exception_reason=data["exception_reason"],
                group=group,
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            if result.session is not None:
                if result.booked:
                    messages.success(request, "Booked. Everyone invited has been sent the details.")
                else:
                    messages.success(request, "Sent to be approved. You will hear by email.")
                return redirect("sessions:detail", result.session.pk)
            context["verdict"] = result.verdict
            context["findings"] = explained(
                result.verdict, _names(proposal.staff, proposal.learners), viewer=viewer
            )
            context["needs_exception"] = result.verdict.decision == Decision.NEEDS_EXCEPTION
    return render(request, "sessions/book.html", context, status=form_status(form))


def _booked_for(request: HttpRequest, viewer: User) -> Group | None:
    """The class a session is being booked for (``?group=`` from its page, then the form's
    hidden field), or None."""
    raw = (request.POST if request.method == "POST" else request.GET).get("group", "")
    return group_for(viewer, int(raw)) if raw.isdigit() and len(raw) < 19 else None


def _class_initial(group: Group, viewer: User) -> dict[str, Any]:
    """The booking form filled in for a class: a group session with its learners and its
    other teachers."""
    return {
        "kind": SessionKind.GROUP,
        "title": group.name,
        "group": group.pk,
        "learners": list(group_learners(group).values_list("pk", flat=True)),
        "other_staff": [
            staff.user_id for staff in group_teachers(group) if staff.user_id != viewer.pk
        ],
    }


@login_required
@require_GET
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    session = access_session(viewer, session_id)
    staff = list(session.staff.all())
    learners = list(session.learners.all())
    pending = session.exceptions.filter(status=ExceptionStatus.PENDING).first()
    local_start = session.start.astimezone(session.organisation.zone)
    return render(
        request,
        "sessions/detail.html",
        {
            "nav": "sessions",
            "session": session,
            "staff": staff,
            "learners": learners,
            "findings": explained(
                session.last_verdict, _names(staff, learners), viewer=viewer, session=session
            ),
            "exceptions": session.exceptions.select_related("requested_by", "decided_by"),
            "pending": pending,
            "may_decide": pending is not None and services.may_decide(viewer, pending),
            "may_change": may_change(viewer, session),
            "may_change_parts": may_change_parts(viewer, session),
            "is_host": is_host(viewer, session),
            "is_active": session.status in (SessionStatus.BOOKED, SessionStatus.AWAITING_EXCEPTION)
            and not session.has_ended(),
            "one_to_one": session.kind == SessionKind.ONE_TO_ONE,
            "reschedule_form": RescheduleForm(
                initial={
                    "day": local_start.date(),
                    "start_time": local_start.time().replace(second=0, microsecond=0),
                    "duration_minutes": session.duration_minutes,
                }
            ),
            "reason_form": ReasonForm(),
            "record_links": record_links_for(viewer, session),
            "record_panels": record_panels_for(viewer, session),
        },
    )


@login_required
@require_POST
def session_reschedule(request: HttpRequest, session_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    session = access_session(viewer, session_id)
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the new date, start time and length.")
        return redirect("sessions:detail", session.pk)
    try:
        start = local_datetime(
            form.cleaned_data["day"], form.cleaned_data["start_time"], session.organisation.zone
        )
        result = services.session_reschedule(
            actor=viewer,
            session=session,
            start=start,
            duration_minutes=form.cleaned_data["duration_minutes"],
        )
    except ValidationFailed as error:
        messages.error(request, str(error))
    except ValidationError as error:  # a wall-clock time skipped by a clock change
        messages.error(request, " ".join(error.messages))
    else:
        if result.session is None:
            problems = "; ".join(
                finding.message
                for finding in result.verdict.findings
                if finding.outcome in (Outcome.BLOCK, Outcome.NEEDS_EXCEPTION)
            )
            messages.error(
                request, f"Not moved: the policy does not allow the new time. {problems}"
            )
        else:
            messages.success(request, "Moved. Everyone has been sent the updated invitation.")
    return redirect("sessions:detail", session.pk)


@login_required
@require_POST
def session_cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    session = access_session(viewer, session_id)
    try:
        services.session_cancel(
            actor=viewer, session=session, reason=request.POST.get("reason", "")
        )
    except ValidationFailed as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Cancelled. Everyone invited has been told.")
    return redirect("sessions:detail", session.pk)


@login_required
@require_POST
def exception_decide(request: HttpRequest, exception_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    exception = (
        SessionException.objects.select_related("session__organisation")
        .filter(pk=exception_id, session__organisation_id=viewer.organisation_id)
        .first()
    )
    if exception is None:
        raise Http404("No such exception.")
    approve = request.POST.get("decision") == "approve"
    was_waiting = exception.session.status == SessionStatus.AWAITING_EXCEPTION
    try:
        services.session_exception_decide(
            actor=viewer,
            exception=exception,
            approve=approve,
            reason=request.POST.get("reason", ""),
        )
    except ValidationFailed as error:
        messages.error(request, str(error))
    else:
        done = "Approved" if approve else "Refused"
        booked = " and booked: everyone has been invited" if approve and was_waiting else ""
        messages.success(request, f"{done}{booked}. The organiser has been emailed.")
    return redirect("sessions:detail", exception.session_id)


@login_required
@require_http_methods(["GET", "POST"])
def session_prepare(request: HttpRequest, session_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    session = selectors.session_preparation_for(viewer, session_id)
    form = PrepareForm(
        request.POST or None,
        initial={
            "risk_assessment": session.risk_assessment,
            "conversation_plan": session.conversation_plan,
            "crisis_plan": session.crisis_plan,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.session_prepare(
                actor=viewer,
                session=session,
                risk_assessment=form.cleaned_data["risk_assessment"],
                conversation_plan=form.cleaned_data["conversation_plan"],
                crisis_plan=form.cleaned_data["crisis_plan"],
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            messages.success(request, "Risk assessment and plan saved.")
            return redirect("sessions:detail", session.pk)
    return render(
        request,
        "sessions/prepare.html",
        {"nav": "sessions", "session": session, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_open(request: HttpRequest, session_id: int) -> HttpResponse:
    """The checks at the start: the named adult present, learners comfortable being recorded,
    then the policy at ``stage: start``."""
    viewer = viewer_of(request)
    session = access_session(viewer, session_id)
    learners = list(session.learners.all())
    context: dict[str, Any] = {"nav": "sessions", "session": session, "learners": learners}
    if request.method == "POST":
        verdict = services.session_open(
            actor=viewer,
            session=session,
            adult_present={
                learner.pk: request.POST.get(f"adult_present_{learner.pk}") == "yes"
                for learner in learners
            },
            comfortable_being_recorded={
                learner.pk: request.POST.get(f"comfortable_{learner.pk}") == "yes"
                for learner in learners
            },
        )
        if verdict.decision == Decision.ALLOW:
            messages.success(request, "The session is open.")
            return redirect("sessions:detail", session.pk)
        context["findings"] = explained(
            verdict, _names(session.staff.all(), learners), viewer=viewer, session=session
        )
    return render(request, "sessions/open.html", context)


@require_GET
def join(request: HttpRequest, token: str) -> HttpResponse:
    """A personal join link from an invitation: the session, and the passcode form that leads
    into the live room (staff go to the room signed in)."""
    invitation = invitation_for_token(token)
    if invitation is None:
        return render(request, "sessions/join_invalid.html", status=404)
    return join_page(request, invitation, token)


def join_page(
    request: HttpRequest, invitation: Invitation, token: str, *, error: str = "", status: int = 200
) -> HttpResponse:
    """The join page for ``invitation``, with ``error`` when the room refused the passcode."""
    session: Session = invitation.session
    zone = session.organisation.zone
    opens = session.start - timedelta(minutes=settings.ROOM_OPENS_MINUTES_BEFORE)
    return render(
        request,
        "sessions/join.html",
        {
            "invitation": invitation,
            "session": session,
            "start": session.start.astimezone(zone),
            "end": session.end.astimezone(zone),
            "opens": opens.astimezone(zone),
            "cancelled": session.status == SessionStatus.CANCELLED,
            "enter_url": reverse("rooms:enter", args=[token]),
            "is_staff": invitation.role == Invitation.Role.STAFF,
            "error": error,
        },
        status=status,
    )

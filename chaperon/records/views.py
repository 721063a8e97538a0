"""Pages for meeting records (LOG-1, LOG-2): reading, writing and amending one. Thin: the
selectors decide who may read (and audit the read), the services who may write."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.core.forms import show_errors
from chaperon.people.models import User
from chaperon.people.permissions import viewer_of
from chaperon.people.pickers import searching
from chaperon.sessions.models import Session
from chaperon.sessions.permissions import access_session

from . import selectors, services
from .forms import ACTIONS_PREFIX, ActionFormSet, RecordForm
from .models import MeetingRecord
from .permissions import NO_SUCH_RECORD, may_amend_record, may_read_record, may_write_record


def _staff_of(session: Session) -> Any:
    return User.objects.filter(
        organisation_id=session.organisation_id, is_active=True, staff__isnull=False
    ).order_by("full_name")


def _bound_data(request: HttpRequest) -> QueryDict | None:
    """The posted form; with "Add another action", the same with one more (blank) row."""
    if request.method != "POST":
        return None
    data = request.POST.copy()
    if "add_action" in data:
        total = f"{ACTIONS_PREFIX}-TOTAL_FORMS"
        data[total] = str(int(data.get(total, "0") or 0) + 1)
    return data


def _forms(
    request: HttpRequest,
    session: Session,
    *,
    initial: dict[str, Any] | None = None,
    initial_actions: list[dict[str, Any]] | None = None,
) -> tuple[RecordForm, Any]:
    data = _bound_data(request)
    form = RecordForm(data, session=session, initial=initial, amending=initial is not None)
    actions = ActionFormSet(
        data,
        prefix=ACTIONS_PREFIX,
        initial=initial_actions if initial_actions else [{}],
        form_kwargs={"staff": _staff_of(session)},
    )
    return form, actions


def _inputs(actions: Any) -> list[services.ActionInput]:
    return [
        services.ActionInput(
            description=row.cleaned_data.get("description", ""),
            owner=row.cleaned_data.get("owner"),
            owner_name=row.cleaned_data.get("owner_name", ""),
            due_on=row.cleaned_data.get("due_on"),
        )
        for row in actions.forms
    ]


def _show(error: ValidationFailed, form: RecordForm, actions: Any) -> None:
    """Each message on its field: ``actions.<n>.<field>`` on that row of actions."""
    rest = {}
    for key, message in error.errors.items():
        parts = key.split(".")
        if parts[0] == ACTIONS_PREFIX and len(parts) == 3 and int(parts[1]) < len(actions.forms):
            actions.forms[int(parts[1])].add_error(parts[2], message)
        else:
            rest[key] = message
    if rest:
        show_errors(form, ValidationFailed(rest))


def _submitted(request: HttpRequest, form: RecordForm, actions: Any) -> bool:
    """A real submission (not "add another action" nor a picker's Find) whose fields all
    parse."""
    if request.method != "POST" or "add_action" in request.POST or searching(request.POST):
        return False
    form_ok = form.is_valid()
    return actions.is_valid() and form_ok


def _page(request: HttpRequest, session: Session, **context: Any) -> HttpResponse:
    return render(
        request,
        "records/record_form.html",
        {
            "nav": "sessions",
            "session": session,
            "attendance": selectors.attendance_of(session),
            **context,
        },
    )


@login_required
@require_GET
def record_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    view = selectors.meeting_record_for(viewer, session_id)
    session = view.session
    return render(
        request,
        "records/record.html",
        {
            "nav": "sessions",
            "view": view,
            "session": session,
            "intact": view.record is None or services.record_is_intact(view.record),
            "may_write": view.due_by is not None
            and selectors.has_ended(session)
            and may_write_record(viewer, session),
            "may_amend": view.record is not None and may_amend_record(viewer, session),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_write(request: HttpRequest, session_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    session = access_session(viewer, session_id, may=may_read_record, not_found=NO_SUCH_RECORD)
    if not may_write_record(viewer, session):
        raise PermissionDenied("Only the session's host writes its meeting record.")
    if selectors.record_exists(session):
        messages.info(request, "The record is written. To change it, amend it with a reason.")
        return redirect("records:detail", session.pk)
    if selectors.record_destroyed(session):
        return redirect("records:detail", session.pk)
    if not (selectors.is_held(session) and selectors.has_ended(session)):
        return _page(request, session, closed=True)
    form, actions = _forms(request, session)
    if _submitted(request, form, actions):
        try:
            services.meeting_record_write(
                actor=viewer,
                session=session,
                method=form.cleaned_data["method"],
                platform_name=form.cleaned_data.get("platform_name", ""),
                summary=form.cleaned_data["summary"],
                actions=_inputs(actions),
            )
        except ValidationFailed as error:
            _show(error, form, actions)
        else:
            messages.success(request, "Meeting record saved.")
            return redirect("records:detail", session.pk)
    return _page(request, session, form=form, actions=actions)


def _initial(meeting_record: MeetingRecord) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    initial = {
        "method": meeting_record.method,
        "platform_name": meeting_record.platform_name,
        "summary": meeting_record.summary,
    }
    rows = [
        {
            "description": action.description,
            "owner": action.owner_id,
            "owner_name": action.owner_name,
            "due_on": action.due_on,
        }
        for action in meeting_record.actions.all()
    ]
    return initial, rows


@login_required
@require_http_methods(["GET", "POST"])
def record_amend(request: HttpRequest, session_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    meeting_record = selectors.record_for_amending(viewer, session_id)
    session = meeting_record.session
    initial, rows = _initial(meeting_record)
    form, actions = _forms(request, session, initial=initial, initial_actions=rows)
    if _submitted(request, form, actions):
        try:
            amendment = services.meeting_record_amend(
                actor=viewer,
                meeting_record=meeting_record,
                method=form.cleaned_data["method"],
                platform_name=form.cleaned_data.get("platform_name", ""),
                summary=form.cleaned_data["summary"],
                reason=form.cleaned_data["reason"],
                actions=_inputs(actions),
            )
        except ValidationFailed as error:
            _show(error, form, actions)
        else:
            if amendment is None:
                messages.info(request, "Nothing was changed, so no amendment was made.")
            else:
                messages.success(request, "Amendment saved, with your reason.")
            return redirect("records:detail", session.pk)
    return _page(request, session, form=form, actions=actions, amending=True)

"""The session's change page: who takes part, the adult in the house, recording and the
platform, re-checked against the policy on save. Every fix the policy suggests for these
parts links here."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from chaperon.core.exceptions import ValidationFailed
from chaperon.core.forms import form_status, show_errors
from chaperon.people.models import User
from chaperon.people.permissions import viewer_of
from chaperon.policy.engine.verdict import Decision

from .fixes import may_change_parts
from .forms import ChangeForm, kept_input, searching
from .models import Session
from .permissions import access_session, may_change
from .plans import SESSION_SETTINGS, settings_of
from .services import ChangeResult, SessionChange, session_change
from .views import _names, explained


def _initial(session: Session) -> dict[str, Any]:
    current = SessionChange.of(session)
    return {
        "learners": [learner.pk for learner in current.learners],
        "other_staff": [user.pk for user in current.other_staff],
        **settings_of(current),
    }


def _change_from(form: ChangeForm) -> SessionChange:
    data = form.cleaned_data
    return SessionChange(
        learners=list(data["learners"]),
        other_staff=list(data["other_staff"]),
        **{name: data[name] for name in SESSION_SETTINGS},
    )


def _report(request: HttpRequest, result: ChangeResult) -> None:
    if result.verdict.decision == Decision.ALLOW:
        messages.success(
            request, "Changed, and allowed by the policy. Everyone taking part has been told."
        )
    else:
        messages.warning(
            request,
            "Changed, and everyone taking part has been told, but the session is still not "
            "allowed: put right what is listed below.",
        )


@login_required
@require_http_methods(["GET", "POST"])
def session_change_page(request: HttpRequest, session_id: int) -> HttpResponse:
    viewer: User = viewer_of(request)
    session = access_session(viewer, session_id)
    if not may_change(viewer, session):
        raise Http404("No such session.")
    organisation, organiser = session.organisation, session.organiser
    if request.method == "POST" and searching(request.POST):
        initial = kept_input(request.POST, ChangeForm)
        form = ChangeForm(
            initial=initial, organisation=organisation, organiser=organiser, viewer=viewer
        )
    else:
        form = ChangeForm(
            request.POST or None,
            initial=_initial(session),
            organisation=organisation,
            organiser=organiser,
            viewer=viewer,
        )
    context: dict[str, Any] = {
        "nav": "sessions",
        "session": session,
        "form": form,
        "open": may_change_parts(viewer, session),
    }
    if request.method == "POST" and not searching(request.POST) and form.is_valid():
        change = _change_from(form)
        try:
            result = session_change(actor=viewer, session=session, change=change)
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            if result.changed:
                _report(request, result)
                return redirect("sessions:detail", session.pk)
            names = _names([session.organiser, *change.other_staff], change.learners)
            context["findings"] = explained(result.verdict, names, viewer=viewer, session=session)
    return render(request, "sessions/change.html", context, status=form_status(form))

"""The room page, the door behind a personal join link, the pre-call check of staff, and the
room's log."""

import time

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chaperon.core.exceptions import ValidationFailed
from chaperon.people.permissions import viewer_of
from chaperon.sessions.invitations import invitation_for_token
from chaperon.sessions.models import Invitation
from chaperon.sessions.views import join_page

from . import selectors, services
from .blur import blur_files, chose_blur, with_blur_allowed
from .devices import keep_device
from .forms import PreCallForm
from .models import Room
from .permissions import ENTRIES_KEY, entrant_for, needs_pre_call_check
from .turn import CHECK_MINUTES, ice_servers_for, turn_configured


@require_POST
def enter(request: HttpRequest, token: str) -> HttpResponse:
    """The passcode form of the join page posts here; the right passcode lets this browser
    to the room's door (the host still admits them)."""
    invitation = invitation_for_token(token)
    if invitation is None:
        return render(request, "sessions/join_invalid.html", status=404)
    if invitation.role == Invitation.Role.STAFF:
        return redirect("rooms:room", invitation.session_id)
    try:
        services.room_enter(invitation=invitation, passcode=request.POST.get("passcode", ""))
    except services.RoomRefused as refusal:
        return join_page(request, invitation, token, error=str(refusal), status=403)
    entries = dict(request.session.get(ENTRIES_KEY, {}))
    entries[str(invitation.session_id)] = invitation.pk
    request.session[ENTRIES_KEY] = entries
    return keep_device(request, redirect("rooms:room", invitation.session_id))


@require_GET
def room(request: HttpRequest, session_id: int) -> HttpResponse:
    entrant = entrant_for(user=request.user, django_session=request.session, session_id=session_id)
    if entrant is None:
        return render(request, "rooms/no_entry.html", {"next": request.path}, status=403)
    shut = services.door_shut(entrant.session, Room.objects.filter(pk=session_id).first())
    if shut is not None:
        return render(
            request,
            "rooms/door_shut.html",
            {
                "session": entrant.session,
                "entrant": entrant,
                "message": str(shut),
                "code": shut.code,
            },
            status=403,
        )
    if needs_pre_call_check(entrant):
        return redirect("rooms:check", session_id)  # SES-14: staff check their setting first
    blur = chose_blur(entrant)
    page = render(
        request,
        "rooms/room.html",
        {
            "session": entrant.session,
            "entrant": entrant,
            "socket_path": f"/ws/rooms/{session_id}/",
            # ROOM-9: staff note a concern in a new tab without leaving the call.
            "concern_url": reverse("concerns:new") + f"?session={session_id}"
            if entrant.user is not None
            else "",
            # ROOM-8: everyone reports a worry from the screen the call ends on.
            "report_url": selectors.report_url_for(entrant.invitation, session_id),
            # SES-14: staff who chose background blur in their check send their camera blurred.
            "blur_files": blur_files() if blur else None,
        },
    )
    if blur:
        with_blur_allowed(page)
    return keep_device(request, page) if entrant.invitation is not None else page


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, session_id: int) -> HttpResponse:
    """SES-14: a member of staff of the session checks camera, microphone and network and
    confirms the checklist; then the room lets them in."""
    entrant = entrant_for(user=request.user, django_session=request.session, session_id=session_id)
    if entrant is None or entrant.user is None:
        return render(request, "rooms/no_entry.html", {"next": request.path}, status=403)
    form = PreCallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.room_pre_call_check(
                actor=entrant.user, session_id=session_id, results=form.results()
            )
        except ValidationFailed as error:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            return redirect("rooms:room", session_id)
    page = render(
        request,
        "rooms/check.html",
        {
            "session": entrant.session,
            "entrant": entrant,
            "form": form,
            "socket_path": f"/ws/rooms/{session_id}/check/",
            "relay_url": reverse("rooms:check_relay", args=[session_id]),
            "turn": turn_configured(),
            "blur_files": blur_files(),
        },
        status=400 if form.errors else 200,
    )
    return with_blur_allowed(page)


@never_cache
@require_POST
def check_relay(request: HttpRequest, session_id: int) -> HttpResponse:
    """The TURN servers for the pre-call check's relay test, with a credential that lasts a few
    minutes: only for the session's staff, signed in, and never in the page itself."""
    entrant = entrant_for(user=request.user, django_session=request.session, session_id=session_id)
    if entrant is None or entrant.user is None:
        return JsonResponse({"error": "Only the session's staff check the relay."}, status=403)
    servers = ice_servers_for(
        opaque_id=f"c{entrant.user.pk}", now=time.time(), minutes=CHECK_MINUTES
    )
    return JsonResponse({"ice_servers": servers if turn_configured() else []})


@require_GET
def left(request: HttpRequest, session_id: int) -> HttpResponse:
    """Where "leave and report" goes while no report form can be reached."""
    return render(request, "rooms/left.html", {"session_id": session_id})


@login_required
@require_GET
def log(request: HttpRequest, session_id: int) -> HttpResponse:
    room_log = selectors.room_log_for(viewer_of(request), session_id)
    return render(request, "rooms/log.html", {"nav": "sessions", "log": room_log})

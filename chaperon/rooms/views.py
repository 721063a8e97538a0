"""The room page, the door behind a personal join link, and the room's log."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from chaperon.people.permissions import viewer_of
from chaperon.sessions.invitations import invitation_for_token
from chaperon.sessions.models import Invitation
from chaperon.sessions.views import join_page

from . import selectors, services
from .devices import keep_device
from .models import Room
from .permissions import ENTRIES_KEY, entrant_for


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
        },
    )
    return keep_device(request, page) if entrant.invitation is not None else page


@require_GET
def left(request: HttpRequest, session_id: int) -> HttpResponse:
    """Where "leave and report" goes while no report form can be reached."""
    return render(request, "rooms/left.html", {"session_id": session_id})


@login_required
@require_GET
def log(request: HttpRequest, session_id: int) -> HttpResponse:
    room_log = selectors.room_log_for(viewer_of(request), session_id)
    return render(request, "rooms/log.html", {"nav": "sessions", "log": room_log})

"""Recording pages: the list of recordings, holds and destructions; a recording's page, where
playing asks for a reason; the player; the media stream (byte ranges, decrypted chunk by
chunk, never offered as a download); and the destruction certificate guardians are sent."""

import time
from collections.abc import AsyncIterator, Iterator

from asgiref.sync import sync_to_async
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chaperon.consent.selectors import recording_policy_of
from chaperon.core.exceptions import NotFound, ValidationFailed
from chaperon.core.forms import show_errors
from chaperon.people.models import User
from chaperon.people.permissions import viewer_of
from chaperon.people.roles import Role

from . import selectors, services
from .crypto import ChunkRejected
from .forms import AccessForm, HoldForm, PlayReasonForm, ReleaseForm
from .integrity import track_problem
from .models import Recording
from .permissions import (
    access_recording,
    may_change_access,
    require_may_play,
)
from .ranges import RangeNotSatisfiable, parse_range
from .storage import chunk_store
from .vault import RecordingGone, TrackReader, cipher_of, open_track

GRANTS = "recording_grants"
GRANT_SECONDS = 2 * 60 * 60


def _grant(request: HttpRequest, recording_id: int) -> None:
    now = time.time()
    grants = {key: until for key, until in request.session.get(GRANTS, {}).items() if until > now}
    grants[str(recording_id)] = now + GRANT_SECONDS
    request.session[GRANTS] = grants


def _granted(request: HttpRequest, recording_id: int) -> bool:
    until = request.session.get(GRANTS, {}).get(str(recording_id), 0)
    return bool(until > time.time())


@login_required
@require_GET
def recording_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    page = selectors.recordings_page_for(viewer)
    access_form = (
        AccessForm(initial={"roles": sorted(page.playback_roles)})
        if may_change_access(viewer)
        else None
    )
    return render(
        request,
        "recordings/list.html",
        {
            "nav": "recordings",
            "page": page,
            "access_form": access_form,
            "playback_labels": [Role(role).label for role in sorted(page.playback_roles)],
            "told_parents": recording_policy_of(viewer.organisation_id).who_may_see,
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def access_change(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    form = AccessForm(request.POST)
    if form.is_valid():
        try:
            services.recording_access_set(actor=viewer, roles=form.cleaned_data["roles"])
        except ValidationFailed as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                "Who may play recordings was changed. Check that the recording policy in the "
                "consent statement says the same: parents and staff consented to what it says.",
            )
    return redirect("recordings:list")


def _detail(
    request: HttpRequest,
    recording_id: int,
    *,
    play_form: PlayReasonForm | None = None,
    hold_form: HoldForm | None = None,
    status: int = 200,
) -> HttpResponse:
    viewer = viewer_of(request)
    detail = selectors.recording_detail_for(viewer, recording_id)
    return render(
        request,
        "recordings/detail.html",
        {
            "nav": "recordings",
            "detail": detail,
            "recording": detail.recording,
            "play_form": play_form or PlayReasonForm(prefix="play"),
            "hold_form": hold_form or HoldForm(prefix="hold"),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def recording_detail(request: HttpRequest, recording_id: int) -> HttpResponse:
    if request.method == "GET":
        return _detail(request, recording_id)
    viewer = viewer_of(request)
    form = PlayReasonForm(request.POST, prefix="play")
    if form.is_valid():
        try:
            services.recording_play(
                actor=viewer, recording_id=recording_id, reason=form.cleaned_data["reason"]
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            _grant(request, recording_id)
            return redirect("recordings:play", recording_id=recording_id)
    return _detail(request, recording_id, play_form=form, status=400)


@login_required
@require_GET
@never_cache
def recording_player(request: HttpRequest, recording_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    require_may_play(viewer)
    access_recording(viewer, recording_id)  # another organisation's: not found
    if not _granted(request, recording_id):
        messages.info(request, "Say why you need to watch this recording first.")
        return redirect("recordings:detail", recording_id=recording_id)
    detail = selectors.recording_detail_for(viewer, recording_id)  # audited: shown below
    if detail.recording.destroyed:
        raise NotFound("This recording was destroyed.")
    cipher, store = cipher_of(detail.recording), chunk_store()
    tracks = []
    for item in detail.tracks:
        problem = track_problem(item.track, cipher=cipher, store=store)
        if problem is not None:
            services.recording_integrity_failed(
                actor=viewer, recording=detail.recording, error=problem
            )
        tracks.append((item, problem))
    problems = [f"{item.track.label}: {problem}" for item, problem in tracks if problem]
    return render(
        request,
        "recordings/player.html",
        {
            "nav": "recordings",
            "detail": detail,
            "recording": detail.recording,
            "tracks": tracks,
            "problems": problems,
        },
        status=409 if problems else 200,
    )


@login_required
@require_GET
def track_media(
    request: HttpRequest, recording_id: int, number: int
) -> HttpResponse | StreamingHttpResponse:
    viewer = viewer_of(request)
    require_may_play(viewer)
    recording = access_recording(viewer, recording_id)
    if not _granted(request, recording_id):
        return HttpResponse("Give a reason on the recording's page first.", status=403)
    try:
        reader = open_track(selectors.track_of(recording, number))
    except RecordingGone as error:
        raise NotFound(str(error)) from error
    try:
        response = _media_response(request, viewer, recording, reader)
    except BaseException:
        reader.close()
        raise
    if not response.streaming:  # nothing to stream: the reader is done with
        reader.close()
    return response


def _media_response(
    request: HttpRequest, viewer: User, recording: Recording, reader: TrackReader
) -> HttpResponse | StreamingHttpResponse:
    size = reader.size
    try:
        wanted = parse_range(request.headers.get("Range"), size)
    except RangeNotSatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    start, end = wanted if wanted is not None else (0, size - 1)
    try:
        first, rest = reader.first_and_rest(start, end) if size else (b"", iter(()))
    except ChunkRejected as error:
        services.recording_integrity_failed(actor=viewer, recording=recording, error=error)
        return HttpResponse(
            f"This recording failed its integrity check and cannot be played: {error}",
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    rest = _audited(rest, viewer, recording)
    body: _Pieces | _AsyncPieces = (
        _AsyncPieces(reader, first, rest)
        if isinstance(request, ASGIRequest)
        else _Pieces(reader, first, rest)
    )
    streamed = StreamingHttpResponse(
        body,
        status=206 if wanted is not None else 200,
        content_type=reader.track.content_type,
    )
    if wanted is not None:
        streamed["Content-Range"] = f"bytes {start}-{end}/{size}"
    streamed["Content-Length"] = str(end - start + 1 if size else 0)
    streamed["Accept-Ranges"] = "bytes"
    streamed["Content-Disposition"] = "inline"
    streamed["Cache-Control"] = "no-store, private"
    return streamed


def _audited(pieces: Iterator[bytes], viewer: User, recording: Recording) -> Iterator[bytes]:
    """The pieces after the first; a chunk failing its check midway is logged like one failing
    before the response starts, then stops the stream."""
    try:
        yield from pieces
    except ChunkRejected as error:
        services.recording_integrity_failed(actor=viewer, recording=recording, error=error)
        raise


class _Pieces:
    """A media response's body for a WSGI server: the first piece, then the rest as they are
    opened. The response closes it when it ends, sent or not, and that closes the reader."""

    def __init__(self, reader: TrackReader, first: bytes, rest: Iterator[bytes]) -> None:
        self._reader = reader
        self._first = first
        self._rest = rest

    def __iter__(self) -> Iterator[bytes]:
        yield self._first
        yield from self._rest

    def close(self) -> None:
        self._reader.close()


def _next_piece(pieces: Iterator[bytes]) -> bytes | None:
    return next(pieces, None)


class _AsyncPieces:
    """The same for an ASGI server (``chaperon serve``), which would otherwise gather a
    synchronous body whole before sending a byte: each piece is opened on a worker thread and
    sent as soon as it is ready, so memory stays flat and the server's other requests go on."""

    def __init__(self, reader: TrackReader, first: bytes, rest: Iterator[bytes]) -> None:
        self._reader = reader
        self._first = first
        self._rest = rest

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._first
        following = sync_to_async(_next_piece, thread_sensitive=False)
        while (piece := await following(self._rest)) is not None:
            yield piece

    def close(self) -> None:
        self._reader.close()


@login_required
@require_POST
def hold_place(request: HttpRequest, recording_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    form = HoldForm(request.POST, prefix="hold")
    if form.is_valid():
        try:
            services.recording_hold_place(
                actor=viewer,
                recording_id=recording_id,
                case_reference=form.cleaned_data["case_reference"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            messages.success(request, "The recording is held as evidence.")
            return redirect("recordings:detail", recording_id=recording_id)
    return _detail(request, recording_id, hold_form=form, status=400)


@login_required
@require_POST
def hold_release(request: HttpRequest, hold_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the recording is no longer needed as evidence.")
        return redirect("recordings:list")
    try:
        hold = services.recording_hold_release(
            actor=viewer, hold_id=hold_id, reason=form.cleaned_data["reason"]
        )
    except ValidationFailed as error:
        messages.error(request, str(error))
        return redirect("recordings:list")
    messages.success(
        request,
        "The hold was released. If the recording is due for destruction, it is being destroyed.",
    )
    return redirect("recordings:detail", recording_id=hold.recording_id)


@require_GET
def public_certificate(request: HttpRequest, token: str) -> HttpResponse:
    certificate = selectors.certificate_by_token(token)
    return render(
        request,
        "recordings/certificate.html",
        {"certificate": certificate, "organisation": certificate.organisation},
    )

"""Playing a recording (LOG-2, REC-3): only the roles the recording policy names, each time for
a reason that is audited; streamed with byte ranges, decrypted chunk by chunk, never offered as
a download."""

from typing import Any

import pytest
from django.test import Client

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.exceptions import PermissionDenied
from chaperon.recordings.crypto import CHUNK_SIZE
from chaperon.recordings.models import RecordingAccess
from chaperon.recordings.ranges import RangeNotSatisfiable, parse_range
from chaperon.recordings.services import recording_access_set
from tests.conftest import Cast, signed_in

from .helpers import TWO_AND_A_BIT, make_recording, media

pytestmark = [pytest.mark.django_db, pytest.mark.clause("LOG-2"), pytest.mark.clause("REC-3")]

EVERYONE = ["dsl", "deputy", "slt", "teacher", "teacher2", "ict", "board", "admin", "outsider"]
PLAYS = {"dsl", "deputy"}
REASON = {"play-reason": "Reviewing the concern raised about this lesson"}


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def _played() -> int:
    return AuditEvent.objects.filter(action=AuditAction.RECORDING_PLAYED).count()


@pytest.mark.parametrize("name", [*EVERYONE, "anonymous"])
def test_playback_is_for_the_roles_the_policy_names(cast: Cast, name: str) -> None:
    recording = make_recording(cast, tracks=[media(1000)])
    client = Client() if name == "anonymous" else signed_in(cast.user(name))
    detail = client.get(f"/recordings/{recording.pk}/")
    asked = client.post(f"/recordings/{recording.pk}/", REASON)
    media_response = client.get(f"/recordings/{recording.pk}/tracks/0/media")
    player = client.get(f"/recordings/{recording.pk}/play/")
    if name == "anonymous":
        for response in (detail, asked, media_response, player):
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/sign-in/")
        assert _played() == 0
    elif name == "outsider":  # a DSL elsewhere: not found, not forbidden
        assert {detail.status_code, asked.status_code, media_response.status_code} == {404}
        assert player.status_code == 404
        assert _played() == 0
    elif name in PLAYS:
        assert detail.status_code == 200 and asked.status_code == 302
        assert media_response.status_code == 200 and player.status_code == 200
        assert _body(media_response) == media(1000)
        [played] = AuditEvent.objects.filter(action=AuditAction.RECORDING_PLAYED)
        assert played.actor_id == cast.user(name).pk
        assert played.reason == REASON["play-reason"]
        assert played.object_id == str(recording.pk)
    else:
        assert {detail.status_code, asked.status_code, media_response.status_code} == {403}
        assert player.status_code == 403
        assert _played() == 0


def test_a_reason_is_asked_before_anything_plays(cast: Cast) -> None:
    recording = make_recording(cast, tracks=[media(1000)])
    client = signed_in(cast.dsl)
    assert client.get(f"/recordings/{recording.pk}/tracks/0/media").status_code == 403
    assert client.get(f"/recordings/{recording.pk}/play/").status_code == 302
    refused = client.post(f"/recordings/{recording.pk}/", {"play-reason": ""})
    assert refused.status_code == 400
    assert "Why do you need to watch this recording?" in refused.content.decode()
    assert _played() == 0
    assert client.get(f"/recordings/{recording.pk}/tracks/0/media").status_code == 403
    client.post(f"/recordings/{recording.pk}/", REASON)
    assert client.get(f"/recordings/{recording.pk}/tracks/0/media").status_code == 200
    assert _played() == 1


def test_the_recording_policy_can_let_senior_leaders_play(cast: Cast) -> None:
    recording = make_recording(cast, tracks=[media(1000)])
    with pytest.raises(PermissionDenied):
        recording_access_set(actor=cast.deputy, roles=["slt"])
    assert not RecordingAccess.objects.exists()
    assert signed_in(cast.slt).post(f"/recordings/{recording.pk}/", REASON).status_code == 403
    response = signed_in(cast.dsl).post("/recordings/access/", {"roles": ["deputy_dsl", "slt"]})
    assert response.status_code == 302
    assert RecordingAccess.objects.get().roles == ["deputy_dsl", "dsl", "slt"]
    [changed] = AuditEvent.objects.filter(action=AuditAction.RECORDING_ACCESS_CHANGED)
    assert changed.details == {
        "before": ["deputy_dsl", "dsl"],
        "after": ["deputy_dsl", "dsl", "slt"],
    }
    assert signed_in(cast.slt).post(f"/recordings/{recording.pk}/", REASON).status_code == 302
    # Dropping the deputies: they can no longer play.
    signed_in(cast.dsl).post("/recordings/access/", {"roles": ["slt"]})
    assert signed_in(cast.deputy).post(f"/recordings/{recording.pk}/", REASON).status_code == 403


@pytest.mark.clause("REC-3")
def test_the_access_setting_stands_beside_what_parents_were_told(cast: Cast) -> None:
    from django.utils.html import escape

    from chaperon.consent.selectors import recording_policy_of

    told = escape(recording_policy_of(cast.organisation.pk).who_may_see)
    page = signed_in(cast.dsl).get("/recordings/").content.decode()
    assert f'<p class="email-body" id="told-parents">{told}</p>' in page
    assert 'href="/consent/statement/"' in page
    changed = signed_in(cast.dsl).post("/recordings/access/", {"roles": ["slt"]}, follow=True)
    assert "Check that the recording policy in the consent statement says the same" in (
        changed.content.decode()
    )


def test_range_requests_return_the_right_bytes(cast: Cast) -> None:
    data = media(TWO_AND_A_BIT)
    recording = make_recording(cast, tracks=[data])
    client = signed_in(cast.dsl)
    client.post(f"/recordings/{recording.pk}/", REASON)
    url = f"/recordings/{recording.pk}/tracks/0/media"
    size = len(data)
    cases = {
        "bytes=0-99": (0, 99),
        f"bytes={CHUNK_SIZE - 10}-{CHUNK_SIZE + 9}": (CHUNK_SIZE - 10, CHUNK_SIZE + 9),  # spans two
        f"bytes={2 * CHUNK_SIZE}-": (2 * CHUNK_SIZE, size - 1),
        "bytes=-500": (size - 500, size - 1),
        f"bytes=5-{size + 1000}": (5, size - 1),
    }
    for header, (start, end) in cases.items():
        response = client.get(url, HTTP_RANGE=header)
        assert response.status_code == 206, header
        assert response["Content-Range"] == f"bytes {start}-{end}/{size}"
        assert response["Content-Length"] == str(end - start + 1)
        assert _body(response) == data[start : end + 1], header
    whole = client.get(url)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    assert whole["Content-Disposition"] == "inline"
    assert whole["Content-Type"] == "video/webm"
    assert "no-store" in whole["Cache-Control"]
    assert _body(whole) == data
    beyond = client.get(url, HTTP_RANGE=f"bytes={size}-")
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{size}"


def test_parse_range_forms() -> None:
    assert parse_range(None, 10) is None
    assert parse_range("bytes=0-0", 10) == (0, 0)
    assert parse_range("bytes=0-1,4-5", 10) is None  # several ranges: the whole is sent
    assert parse_range("items=0-1", 10) is None
    for unsatisfiable in ("bytes=10-", "bytes=5-2", "bytes=-0"):
        with pytest.raises(RangeNotSatisfiable):
            parse_range(unsatisfiable, 10)


def test_the_player_shows_each_track_inline_with_no_download_link(cast: Cast) -> None:
    recording = make_recording(cast, tracks=[media(1000), media(2000, 3)])
    client = signed_in(cast.dsl)
    client.post(f"/recordings/{recording.pk}/", REASON)
    body = client.get(f"/recordings/{recording.pk}/play/").content.decode()
    assert body.count("<video") == 2
    assert f'src="/recordings/{recording.pk}/tracks/1/media"' in body
    assert "nodownload" in body and "download=" not in body and "<script>" not in body
    assert "recordings/player.js" in body


@pytest.mark.parametrize("name", EVERYONE)
def test_the_recordings_page_is_for_those_who_may_play_or_hold(cast: Cast, name: str) -> None:
    make_recording(cast, tracks=[media(10)])
    response = signed_in(cast.user(name)).get("/recordings/")
    if name == "outsider":
        assert response.status_code == 200
        assert "Year 8 science catch-up" not in response.content.decode()
    elif name in PLAYS:
        assert response.status_code == 200
        assert "Year 8 science catch-up" in response.content.decode()
    else:
        assert response.status_code == 403

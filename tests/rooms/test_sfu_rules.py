"""The SFU's rules, kept by Chaperon's services before Janus is asked anything: which rooms go
through it, who may join its media, what they may send, and that its rooms cannot be got round
browser to browser. (The browser tests, with a real Janus, are in test_browser_sfu.py.)"""

from collections.abc import Callable
from typing import Any, ClassVar

import pytest
from django.conf import LazySettings
from django.db.models.signals import post_init

from chaperon.core.exceptions import PermissionDenied
from chaperon.rooms import broadcast
from chaperon.rooms import services as room_services
from chaperon.rooms.models import Media, Participant, Room, RoomEvent
from chaperon.rooms.selectors import room_view, sfu_receiving
from chaperon.rooms.services.sfu import visible_to
from tests.conftest import Cast

from .helpers import booked, host_in, learner_waiting_in

pytestmark = pytest.mark.django_db

# A learner's offer with a camera and a second video (a screen).
TWO_VIDEOS = (
    "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=sendonly\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=sendonly\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:2\r\na=sendonly\r\n"
)
ONE_VIDEO = TWO_VIDEOS.rsplit("m=video", 1)[0]


@pytest.fixture
def sfu_configured(settings: LazySettings) -> None:
    # Nothing listens here: none of these tests may reach Janus.
    settings.ROOM_SFU_HTTP_URL = "http://127.0.0.1:9/janus"
    settings.ROOM_SFU_ADMIN_URL = "http://127.0.0.1:9/admin"
    settings.ROOM_SFU_WS_URL = "ws://127.0.0.1:9/"
    settings.ROOM_SFU_ADMIN_SECRET = "admin-secret-of-the-test"
    settings.ROOM_SFU_ROOM_ADMIN_KEY = "room-key-of-the-test"


@pytest.mark.clause("ROOM-1")
def test_group_sessions_go_through_the_sfu_and_one_to_ones_stay_a_mesh(
    cast: Cast, sfu_configured: None
) -> None:
    group = booked(cast, kind="group")
    host_in(group, cast)
    room = Room.objects.get(pk=group.pk)
    assert room.media == Media.SFU
    assert len(room.sfu_secret) >= 40 and len(room.sfu_pin) >= 40
    assert room.sfu_secret != room.sfu_pin


@pytest.mark.clause("ROOM-1")
def test_a_one_to_one_stays_a_mesh_with_an_sfu(cast: Cast, sfu_configured: None) -> None:
    session = booked(cast)
    host_in(session, cast)
    room = Room.objects.get(pk=session.pk)
    assert room.media == Media.MESH and room.sfu_secret == ""


@pytest.mark.clause("ROOM-1")
def test_without_an_sfu_every_room_is_a_mesh(cast: Cast, settings: LazySettings) -> None:
    settings.ROOM_SFU_HTTP_URL = ""
    group = booked(cast, kind="group")
    host_in(group, cast)
    room = Room.objects.get(pk=group.pk)
    assert room.media == Media.MESH and room.sfu_secret == "" and room.sfu_pin == ""


@pytest.mark.clause("ROOM-1")
def test_someone_waiting_gets_no_token_for_the_media(cast: Cast, sfu_configured: None) -> None:
    session = booked(cast, kind="group")
    host_in(session, cast)
    learner = learner_waiting_in(session, cast)
    with pytest.raises(PermissionDenied):
        room_services.sfu_ticket(participant_id=learner.pk)
    learner.refresh_from_db()
    assert learner.sfu_token == "" and learner.sfu_feed is None


@pytest.mark.clause("ROOM-1")
def test_a_room_that_has_not_started_gives_nobody_a_token(cast: Cast, sfu_configured: None) -> None:
    session = booked(cast, kind="group")
    host = host_in(session, cast)
    with pytest.raises(PermissionDenied):
        room_services.sfu_ticket(participant_id=host.pk)
    host.refresh_from_db()
    assert host.sfu_token == ""


def _in_call(
    cast: Cast, *, webinar: bool = False, recording: bool = False
) -> tuple[Participant, Participant]:
    session = booked(cast, kind="group", recording=recording)
    if webinar:
        session.kind = "webinar"
        session.save(update_fields=["kind"])
    host = host_in(session, cast)
    learner = learner_waiting_in(session, cast)
    room_services.room_admit(actor=cast.teacher, session_id=session.pk, participant_id=learner.pk)
    room_services.room_agree(participant_id=learner.pk, comfortable_recording=None)
    Room.objects.filter(pk=session.pk).update(started_at=Room.objects.get().created_at)
    return host, learner


@pytest.mark.clause("ROOM-4")
def test_a_learners_second_video_is_refused_and_recorded(cast: Cast, sfu_configured: None) -> None:
    host, learner = _in_call(cast)
    Participant.objects.filter(pk=learner.pk).update(connected=True)
    room_services.sfu_check_publish(participant_id=learner.pk, sdp=ONE_VIDEO)
    with pytest.raises(PermissionDenied, match="cannot share their screen"):
        room_services.sfu_check_publish(participant_id=learner.pk, sdp=TWO_VIDEOS)
    refused = RoomEvent.objects.get(kind="screen_share_refused")
    assert refused.by_id == learner.pk and refused.data["how"] == "offer"
    # The host may send a camera and a screen.
    Participant.objects.filter(pk=host.pk).update(connected=True)
    room_services.sfu_check_publish(participant_id=host.pk, sdp=TWO_VIDEOS)


@pytest.mark.clause("ROOM-4")
def test_webinar_viewers_send_nothing(cast: Cast, sfu_configured: None) -> None:
    host, learner = _in_call(cast, webinar=True)
    Participant.objects.filter(pk__in=[host.pk, learner.pk]).update(connected=True)
    with pytest.raises(PermissionDenied, match="only the presenters"):
        room_services.sfu_check_publish(participant_id=learner.pk, sdp=ONE_VIDEO)
    room_services.sfu_check_publish(participant_id=host.pk, sdp=ONE_VIDEO)


@pytest.mark.clause("ROOM-4")
def test_an_sfu_room_cannot_be_got_round_browser_to_browser(
    cast: Cast, sfu_configured: None
) -> None:
    host, learner = _in_call(cast)
    Participant.objects.filter(pk__in=[host.pk, learner.pk]).update(connected=True)
    with pytest.raises(PermissionDenied, match="media server"):
        room_services.signal_target(
            participant_id=learner.pk, to=host.pk, payload={"description": {"sdp": ONE_VIDEO}}
        )


def test_the_class_layout(cast: Cast, sfu_configured: None) -> None:
    host, learner = _in_call(cast)
    room = Room.objects.get()
    other = Participant.objects.create(
        room=room, display_name="Another learner", role="learner", presence="admitted"
    )
    everyone = [host, learner, other]
    assert visible_to(host, room, everyone) is None  # staff see everyone
    assert visible_to(learner, room, everyone) == {host.pk}
    room_services.room_spotlight(actor=cast.teacher, session_id=room.pk, participant_id=other.pk)
    room.refresh_from_db()
    assert visible_to(learner, room, everyone) == {host.pk, other.pk}
    room_services.room_learners_see_each_other(actor=cast.teacher, session_id=room.pk, allowed=True)
    room.refresh_from_db()
    assert visible_to(other, room, everyone) == {host.pk, learner.pk}


def test_only_the_host_sets_the_class_layout(cast: Cast, sfu_configured: None) -> None:
    host, _learner = _in_call(cast)
    with pytest.raises(PermissionDenied):
        room_services.room_learners_see_each_other(
            actor=cast.teacher2, session_id=host.room_id, allowed=True
        )
    assert Room.objects.get().learners_see_each_other is False


class _Janus:
    """What the services asked of Janus, in order (no Janus runs here)."""

    calls: ClassVar[list[tuple[str, dict[str, object]]]] = []

    def __init__(self, config: object) -> None:
        pass

    def __enter__(self) -> "_Janus":
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def __getattr__(self, name: str) -> Callable[..., None]:
        return lambda **kwargs: self.calls.append((name, kwargs))


@pytest.fixture
def janus_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, object]]]:
    _Janus.calls = []
    monkeypatch.setattr("chaperon.rooms.services.sfu.JanusAdmin", _Janus)
    return _Janus.calls


@pytest.mark.clause("ROOM-9")
def test_a_removal_takes_the_token_out_and_kicks_the_feed_once_it_commits(
    cast: Cast,
    sfu_configured: None,
    janus_calls: list[tuple[str, dict[str, object]]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    host, learner = _in_call(cast)
    Participant.objects.filter(pk=learner.pk).update(
        sfu_token="token-of-the-learner", sfu_feed=4242, sfu_audio_mid="0"
    )
    with django_capture_on_commit_callbacks(execute=False) as pending:
        room_services.room_remove(
            actor=cast.teacher, session_id=host.room_id, participant_id=learner.pk
        )
    assert janus_calls == []  # nothing is asked of Janus before the removal commits
    for callback in pending:
        callback()
    room = Room.objects.get()
    assert janus_calls == [
        (
            "disallow",
            {"room_id": room.pk, "secret": room.sfu_secret, "tokens": ["token-of-the-learner"]},
        ),
        ("kick", {"room_id": room.pk, "secret": room.sfu_secret, "feed_id": 4242}),
    ]


@pytest.mark.clause("ROOM-3")
def test_the_hosts_mute_is_janus_own(
    cast: Cast,
    sfu_configured: None,
    janus_calls: list[tuple[str, dict[str, object]]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    host, learner = _in_call(cast)
    Participant.objects.filter(pk=learner.pk).update(sfu_feed=4242, sfu_audio_mid="0")
    with django_capture_on_commit_callbacks(execute=True):
        room_services.room_mute(
            actor=cast.teacher, session_id=host.room_id, participant_id=learner.pk
        )
    room = Room.objects.get()
    assert janus_calls == [
        (
            "moderate",
            {
                "room_id": room.pk,
                "secret": room.sfu_secret,
                "feed_id": 4242,
                "mid": "0",
                "mute": True,
            },
        )
    ]


def test_the_end_destroys_janus_room(
    cast: Cast,
    sfu_configured: None,
    janus_calls: list[tuple[str, dict[str, object]]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    host, _learner = _in_call(cast)
    with django_capture_on_commit_callbacks(execute=True):
        room_services.room_end(session_id=host.room_id, actor=cast.teacher, reason="host")
    room = Room.objects.get()
    assert janus_calls == [("destroy_room", {"room_id": room.pk, "secret": room.sfu_secret})]


@pytest.mark.clause("ROOM-1")
def test_a_webinar_viewer_is_shown_the_presenters_not_the_other_viewers(
    cast: Cast, sfu_configured: None
) -> None:
    host, learner = _in_call(cast, webinar=True)
    room = Room.objects.get()
    other = Participant.objects.create(
        room=room, display_name="Another viewer", role="learner", presence="admitted"
    )
    Participant.objects.filter(pk__in=[host.pk, learner.pk, other.pk]).update(connected=True)
    seen = {person["id"] for person in room_view(participant_id=learner.pk)["people"]}
    assert seen == {host.pk, learner.pk}
    # The host (a presenter) sees everyone.
    seen = {person["id"] for person in room_view(participant_id=host.pk)["people"]}
    assert seen == {host.pk, learner.pk, other.pk}


@pytest.mark.clause("ROOM-1")
def test_a_webinar_viewer_s_view_reads_the_presenters_not_the_audience(
    cast: Cast, sfu_configured: None
) -> None:
    """Each change makes every connection recompute its view: a viewer's must not read every
    other viewer's row, or one change in a webinar of 300 reads 300 x 300 rows."""
    host, learner = _in_call(cast, webinar=True, recording=True)
    room = Room.objects.get()
    Participant.objects.bulk_create(
        Participant(
            room=room,
            display_name=f"Viewer {number}",
            role="learner",
            presence="admitted",
            connected=True,
        )
        for number in range(20)
    )
    Participant.objects.filter(pk__in=[host.pk, learner.pk]).update(connected=True)
    loaded: list[int] = []

    def count(sender: type, instance: Participant, **kwargs: Any) -> None:
        loaded.append(instance.pk)

    post_init.connect(count, sender=Participant)
    try:
        view = room_view(participant_id=learner.pk)
        receiving = sfu_receiving(participant_id=learner.pk)
    finally:
        post_init.disconnect(count, sender=Participant)
    assert {person["id"] for person in view["people"]} == {host.pk, learner.pk}
    assert view["me"]["answers_for"] == [{"id": cast.learner.pk, "name": cast.learner.full_name}]
    assert receiving.visible == {host.pk}
    assert set(loaded) <= {host.pk, learner.pk}
    # The host, who sees everyone, reads everyone.
    seen = {person["id"] for person in room_view(participant_id=host.pk)["people"]}
    assert len(seen) == 22


@pytest.mark.clause("ROOM-1")
@pytest.mark.clause("REC-4")
@pytest.mark.parametrize("recording", [False, True])
def test_a_viewer_let_in_is_told_to_the_staff_and_a_paused_recording_to_everyone(
    cast: Cast,
    recording: bool,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    session = booked(cast, kind="group", recording=True)
    session.kind = "webinar"
    session.save(update_fields=["kind"])
    host_in(session, cast)
    learner = learner_waiting_in(session, cast)
    Participant.objects.filter(pk=learner.pk).update(channel_name="learner-channel")
    if recording:  # under way: the learner has not said they are comfortable being recorded
        Room.objects.filter(pk=session.pk).update(recording_state="on")
    sent: list[tuple[str, str]] = []
    monkeypatch.setattr(
        broadcast, "_send", lambda target, message, *, group: sent.append((target, message["type"]))
    )
    with django_capture_on_commit_callbacks(execute=True):
        room_services.room_admit(
            actor=cast.teacher, session_id=session.pk, participant_id=learner.pk
        )
    changed = {target for target, kind in sent if kind == "room.changed"}
    staff_and_them = {broadcast.watch_group(session.pk), "learner-channel"}
    if recording:
        # Every viewer's page must show that the recording paused.
        assert Room.objects.get().recording_state == "paused"
        assert changed == staff_and_them | {broadcast.room_group(session.pk)}
    else:
        # The other viewers' pages cannot change: they are not sent it.
        assert Room.objects.get().recording_state == "off"
        assert changed == staff_and_them

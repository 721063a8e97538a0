"""The live room of a session: its state, the people in it, and everything that happened.

The state lives here rather than in memory so that the page, every connection and the server
agree, and a reconnect (or a second server process) sees the same room.
"""

from django.conf import settings
from django.db import models

from chaperon.people.models import Learner
from chaperon.sessions.models import Invitation, Session, SessionException


class RecordingState(models.TextChoices):
    OFF = "off", "Not recording"
    ON = "on", "Recording"
    PAUSED = "paused", "Recording paused"


class Media(models.TextChoices):
    MESH = "mesh", "Browser to browser"
    SFU = "sfu", "Through the media server"


class Room(models.Model):
    session = models.OneToOneField(
        Session, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    locked = models.BooleanField(default=False)
    started_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, blank=True)
    # SES-5: the host confirmed the named adult is in the house (1:1 with a protected learner).
    adult_confirmed = models.BooleanField(default=False)
    recording_state = models.CharField(
        max_length=10, choices=RecordingState.choices, default=RecordingState.OFF
    )
    recording_id = models.BigIntegerField(null=True, blank=True)
    # Who caused the pause, shown to the host.
    recording_paused_for = models.CharField(max_length=200, blank=True)
    # Written by the room's ticker every second while any server process holds a connection
    # to it: a room not ticked for a while has no live connection, whatever its rows say.
    ticked_at = models.DateTimeField(null=True, blank=True)
    # How media flows, chosen when the room is made (docs/rooms.md, "Classes on an SFU"). On
    # the SFU the room's secret and pin are Chaperon's alone: no browser is ever given them.
    media = models.CharField(max_length=4, choices=Media.choices, default=Media.MESH)
    sfu_secret = models.CharField(max_length=64, blank=True)
    sfu_pin = models.CharField(max_length=64, blank=True)
    # The class layout: whom learners see besides the staff.
    spotlight = models.ForeignKey(
        "Participant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    learners_see_each_other = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"room of session {self.session_id}"

    @property
    def organisation_id(self) -> int:
        return self.session.organisation_id


class Presence(models.TextChoices):
    WAITING = "waiting", "Waiting to be admitted"
    ADMITTED = "admitted", "In the room"
    REFUSED = "refused", "Refused by the host"
    REMOVED = "removed", "Removed by the host"
    LEFT = "left", "Left"


class Participant(models.Model):
    """One person on one device in one room. The name comes from the invitation (or the staff
    record) and is never changed by the room (ROOM-5).

    Someone who comes by a join link is bound to the browser that came to the door: a secret
    kept in that browser (``device_hash`` is its SHA-256). The same link opened on another
    device is another row, ``second_device``, that waits for the host whatever the lock; only
    one row of an invitation is in the room at a time (ROOM-1, ROOM-6). Staff sign in, so
    their row is their account's."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="participants")
    invitation = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    device_hash = models.CharField(max_length=64, blank=True)
    second_device = models.BooleanField(default=False)
    display_name = models.CharField(max_length=200)
    role = models.CharField(max_length=10, choices=Invitation.Role.choices)
    is_host = models.BooleanField(default=False)
    presence = models.CharField(max_length=10, choices=Presence.choices)
    connected = models.BooleanField(default=False)
    channel_name = models.CharField(max_length=200, blank=True)
    # Rises with each connection, so peers know to negotiate afresh after a reconnect.
    epoch = models.PositiveIntegerField(default=0)
    agreed_at = models.DateTimeField(null=True, blank=True)
    stay_id = models.BigIntegerField(null=True, blank=True)  # the open SessionAttendance
    track_id = models.BigIntegerField(null=True, blank=True)
    last_chunk_at = models.DateTimeField(null=True, blank=True)
    gap_since = models.DateTimeField(null=True, blank=True)
    # On the SFU: the token this connection joined with (in the Janus room's allowed list only
    # while they are in the call), the feed Janus gave it and its audio's mid (for the host's
    # mute).
    sfu_token = models.CharField(max_length=64, blank=True)
    sfu_feed = models.BigIntegerField(null=True, blank=True)
    sfu_audio_mid = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["room", "invitation", "device_hash"],
                name="room_participant_invitation_device_once",
            ),
            models.UniqueConstraint(
                fields=["room", "invitation"],
                condition=models.Q(presence="admitted"),
                name="room_participant_invitation_admitted_once",
            ),
            models.UniqueConstraint(fields=["room", "user"], name="room_participant_user_once"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.role}) in {self.room_id}"


class RecordingComfort(models.Model):
    """Whether a learner is comfortable being recorded (REC-6), as said in this room: in the
    agreement or when the host asked, on the learner's own device or on the device of the
    parent or carer they joined with. ``comfortable`` is None while a question is open."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="comfort")
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="+")
    comfortable = models.BooleanField(null=True, blank=True)
    asked_at = models.DateTimeField(null=True, blank=True)
    asked_by = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["room", "learner"], name="room_comfort_once"),
        ]

    def __str__(self) -> str:
        return f"comfort of learner {self.learner_id} in {self.room_id}: {self.comfortable}"


class PasscodeAttempts(models.Model):
    """Wrong passcodes given with one join link in the current window (ROOM-2). Counted by a
    conditional UPDATE, so that tries sent at the same moment cannot pass the limit."""

    invitation = models.OneToOneField(
        Invitation, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    window_started = models.DateTimeField()
    failures = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.failures} wrong passcodes for invitation {self.invitation_id}"


class RoomExtension(models.Model):
    """The host asked for more time (SES-3), and what became of it. The decision is the
    session's exception: approved at once by the host within the policy's allowance for the
    host (``by_host``), or decided by one of the policy's approvers, wherever they decide it;
    the room's clock settles it (``services.extensions.settle_extensions``)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an approver"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        LAPSED = "lapsed", "Not decided before the session ended"

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="extensions")
    exception = models.OneToOneField(SessionException, on_delete=models.PROTECT, related_name="+")
    minutes = models.PositiveSmallIntegerField()
    by_host = models.BooleanField(default=False)
    asked_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["room"],
                condition=models.Q(status="pending"),
                name="room_extension_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.minutes} more minutes for {self.room_id}: {self.status}"


class RoomEvent(models.Model):
    """Something that happened in a room: a join, an admission, a lock, a chat message."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=30)
    participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    by = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField(blank=True)  # chat messages, reasons
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%H:%M:%S}"

"""Sessions booked with learners and the exceptions approved for them. The organisation's
policy and platform register that they are judged against are the policy app's."""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from chaperon.core.models import TimestampedModel
from chaperon.people.models import Group, Learner, OrganisationOwned
from chaperon.people.roles import Role
from chaperon.policy.models import BUILTIN_PLATFORM


class SessionKind(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "1:1 session"
    GROUP = "group", "Group session"
    WEBINAR = "webinar", "Webinar"


class SessionStatus(models.TextChoices):
    AWAITING_EXCEPTION = "awaiting_exception", "Waiting for an exception to be approved"
    BOOKED = "booked", "Booked"
    OPEN = "open", "Open"
    CANCELLED = "cancelled", "Cancelled"
    REFUSED = "refused", "Exception refused: not booked"


class TakingPart(models.TextChoices):
    """How the learners take part (SES-12): live video is one way among others, and the
    family's choice is respected."""

    VIDEO = "video", "Live video"
    AUDIO = "audio", "Audio only (no cameras)"
    PHONE = "phone", "A phone call"
    CHAT = "chat", "Text chat"
    RECORDED = "recorded", "A recorded message"


class RecordingAlternative(models.TextChoices):
    """What was considered instead of recording before asking to record (REC-2)."""

    OBSERVER = "observer", "A second member of staff observing"
    NOTES = "notes", "Notes written during the session"
    BOTH = "both", "Both: an observer and notes"


# The longest a session may be booked for.
LONGEST = timedelta(minutes=480)


def new_passcode() -> str:
    return f"{secrets.randbelow(10**6):06d}"


class Session(OrganisationOwned):
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=SessionKind.choices)
    title = models.CharField(max_length=200)
    start = models.DateTimeField(db_index=True)
    duration_minutes = models.PositiveSmallIntegerField()
    platform = models.CharField(max_length=40, default=BUILTIN_PLATFORM)
    recording_enabled = models.BooleanField(default=False)
    recording_purpose = models.CharField(max_length=300, blank=True)
    # Asking to record: the alternative considered, and why recording is still needed (REC-2).
    recording_alternative = models.CharField(
        max_length=20, choices=RecordingAlternative.choices, blank=True
    )
    recording_need = models.CharField(max_length=500, blank=True)
    # How the learners take part, as their families chose (SES-12); blank on sessions booked
    # before it was asked.
    taking_part = models.CharField(max_length=20, choices=TakingPart.choices, blank=True)
    # For a 1:1 with a minor or adult at risk: the adult who will be in the house (SES-5).
    named_adult = models.CharField(max_length=200, blank=True)
    # Invite each learner's guardians to drop in (SES-5: "where possible").
    guardians_may_drop_in = models.BooleanField(default=False)
    passcode = models.CharField(max_length=12, default=new_passcode)
    status = models.CharField(max_length=20, choices=SessionStatus.choices)
    # Set when a re-check finds the session no longer allowed; cleared when it passes again.
    flagged = models.BooleanField(default=False)
    last_verdict = models.JSONField(default=dict)
    risk_assessment = models.TextField(blank=True)
    conversation_plan = models.TextField(blank=True)
    crisis_plan = models.TextField(blank=True)
    risk_assessed_at = models.DateTimeField(null=True, blank=True)
    ical_sequence = models.PositiveIntegerField(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)
    # When the live room ended (set by the room through ``attendance.session_room_ended``); a
    # room ended early lets the meeting record be written from then.
    ended_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    learners = models.ManyToManyField(Learner, related_name="+")
    # Booked for a class or group: learners joining or leaving it join or leave the session.
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["organisation", "status", "start"])]

    def __str__(self) -> str:
        return self.title

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.duration_minutes)

    @property
    def finished_at(self) -> datetime:
        """When the session really finished: when its room ended, or else its booked end."""
        return self.ended_at or self.end

    def has_ended(self, now: datetime | None = None) -> bool:
        return self.finished_at <= (now or timezone.now())

    @property
    def state_label(self) -> str:
        """The state as people should read it, from the stored status and the clock: a
        session whose time has passed is not "Booked" or "Open" any more."""
        if self.status in (SessionStatus.BOOKED, SessionStatus.OPEN) and self.has_ended():
            return "Ended" if self.opened_at or self.ended_at else "Ended (never opened)"
        if self.status == SessionStatus.AWAITING_EXCEPTION and self.has_ended():
            return "Not held: no exception was approved in time"
        if self.status == SessionStatus.OPEN:
            return "Open now"
        return str(self.get_status_display())

    @property
    def ical_uid(self) -> str:
        return f"session-{self.pk}@chaperon"

    @property
    def findings(self) -> list[dict[str, object]]:
        found: list[dict[str, object]] = self.last_verdict.get("findings", [])
        return found


class ExceptionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
    # The session was cancelled before anyone decided: there is nothing left to decide.
    WITHDRAWN = "withdrawn", "Withdrawn"


class SessionException(TimestampedModel):
    """A request to hold a session outside what the policy normally allows (SES-2, SES-3)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="exceptions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    covers = models.JSONField(default=list)  # the rule ids it asks to except
    status = models.CharField(
        max_length=10, choices=ExceptionStatus.choices, default=ExceptionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_role = models.CharField(max_length=20, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"exception for {self.session}: {self.status}"

    @property
    def decided_role_label(self) -> str:
        """The role the decision was made in, as people read it."""
        if self.decided_role in Role.values:
            return str(Role(self.decided_role).label)
        return "host of the live session" if self.decided_role else ""


def new_nonce() -> str:
    return secrets.token_hex(16)


class StandingInvitations(models.Manager["Invitation"]):
    """Invitations not withdrawn: the default, so that a person taken off a session is no
    longer invited, waited for in the room, or let in by their old link."""

    def get_queryset(self) -> models.QuerySet["Invitation"]:
        return super().get_queryset().filter(withdrawn_at__isnull=True)


class Invitation(TimestampedModel):
    """One person's place in a session and the address their invitation went to. Their
    personal join link is made from the row and its nonce with the site's secret key
    (``invitations.join_token``), so it is the same in every update and never stored.

    Someone taken off the session keeps their row (the room's records may point at it) with
    ``withdrawn_at`` set; ``objects`` leaves them out, ``every`` includes them."""

    class Role(models.TextChoices):
        STAFF = "staff", "Staff"
        LEARNER = "learner", "Learner"
        GUARDIAN = "guardian", "Parent or carer"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=10, choices=Role.choices)
    person_id = models.BigIntegerField()
    display_name = models.CharField(max_length=200)
    email = models.EmailField()
    nonce = models.CharField(max_length=32, default=new_nonce)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = StandingInvitations()
    every = models.Manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "role", "person_id"], name="invitation_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.role}) to {self.session}"


class PreCallCheck(models.Model):
    """SES-14: a member of staff checked their setting before entering a session's live room:
    what their browser found (camera, microphone, the room's server, the TURN relay) and what
    they confirmed. The room lets staff in only after one; their attendance points to it."""

    class Relay(models.TextChoices):
        REACHED = "reached", "TURN relay reached"
        FAILED = "failed", "TURN relay not reached"
        NOT_CONFIGURED = "not_configured", "No TURN server configured"

    class Blur(models.TextChoices):
        ON = "on", "Background blurred"
        OFF = "off", "Background blur available, not used"
        UNAVAILABLE = "unavailable", "Background blur not available on this device"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField()
    camera = models.BooleanField()
    microphone = models.BooleanField()
    signalling = models.BooleanField()
    relay = models.CharField(max_length=20, choices=Relay.choices)
    blur = models.CharField(max_length=20, choices=Blur.choices, default=Blur.UNAVAILABLE)
    not_bedroom = models.BooleanField()
    background_appropriate = models.BooleanField()
    applications_closed = models.BooleanField()

    class Meta:
        ordering = ["checked_at", "id"]
        indexes = [models.Index(fields=["session", "user", "checked_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    not_bedroom=True, background_appropriate=True, applications_closed=True
                ),
                name="pre_call_check_checklist_confirmed",
            ),
        ]

    def __str__(self) -> str:
        return f"pre-call check of user {self.user_id} for {self.session_id} at {self.checked_at}"


class SessionAttendance(models.Model):
    """One stay of one person in a session's live room: from the moment they were admitted to
    the moment they left (None while they are still in). Someone who leaves and comes back has
    two rows. Written by the live room through ``attendance``; read by the meeting record."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    # The invitation they came in on; None only for staff who host without one.
    invitation = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    display_name = models.CharField(max_length=200)
    role = models.CharField(max_length=10, choices=Invitation.Role.choices)
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)
    # Staff: the pre-call check they did before coming in (SES-14).
    pre_call_check = models.ForeignKey(
        PreCallCheck, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["joined_at", "id"]
        indexes = [models.Index(fields=["session", "joined_at"])]

    def __str__(self) -> str:
        return f"{self.display_name} in {self.session_id} from {self.joined_at:%H:%M}"

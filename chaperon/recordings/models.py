"""Recordings kept in the vault (REC-1, REC-8, LOG-2): who is in each, why it was made, how
long it is kept, its tracks, its wrapped data key, the holds on it and, once it is destroyed,
its destruction certificate.

The media itself is never in the database: it is in the chunk store, sealed under the
recording's data key, which is kept here only wrapped by the key-encryption key.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models

from chaperon.people.models import Guardian, Learner, OrganisationOwned
from chaperon.people.roles import Permission, Role, roles_with
from chaperon.sessions.models import Session


class RecordingStatus(models.TextChoices):
    RECORDING = "recording", "Being recorded"
    COMPLETE = "complete", "Complete"
    INCOMPLETE = "incomplete", "Incomplete: the recording was interrupted"
    DESTROYED = "destroyed", "Destroyed"


class Recording(OrganisationOwned):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="+")
    purpose = models.TextField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=RecordingStatus.choices, default=RecordingStatus.RECORDING
    )
    retain_until = models.DateTimeField(db_index=True)
    # Why the recording must go as soon as no hold keeps it (consent to recording withdrawn).
    destruction_pending = models.TextField(blank=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["organisation", "status"], name="recording_org_status")]

    def __str__(self) -> str:
        return f"Recording {self.pk} of session {self.session_id}"

    @property
    def destroyed(self) -> bool:
        return self.status == RecordingStatus.DESTROYED


class RecordingAppearance(models.Model):
    """Someone seen or heard in a recording: a learner, a guardian or a member of staff."""

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="appearances")
    label = models.CharField(max_length=200)
    learner = models.ForeignKey(
        Learner, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    guardian = models.ForeignKey(
        Guardian, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["learner"], name="appearance_learner")]

    def __str__(self) -> str:
        return self.label


class Track(models.Model):
    """One participant's own stream within a recording."""

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="tracks")
    number = models.PositiveIntegerField()
    label = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # Set when the writer closes it (its final chunk sealed), or when found interrupted.
    closed = models.BooleanField(default=False)
    complete = models.BooleanField(default=False)
    chunk_count = models.PositiveIntegerField(default=0)
    size = models.BigIntegerField(default=0)  # bytes of media that can be played

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["recording", "number"], name="track_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.recording_id}/{self.number})"


class TrackGap(models.Model):
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="gaps")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()

    class Meta:
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"gap in {self.track_id} from {self.started_at:%H:%M:%S}"


class DataKey(models.Model):
    """A recording's data key, wrapped. Deleting this row destroys the recording."""

    recording = models.OneToOneField(Recording, on_delete=models.CASCADE, related_name="data_key")
    key_id = models.CharField(max_length=200, db_index=True)
    wrapped = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    rewrapped_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"data key of recording {self.recording_id} under {self.key_id}"


class LegalHold(OrganisationOwned):
    """The DSL keeps a recording as evidence in a safeguarding case (INC-4)."""

    recording = models.ForeignKey(Recording, on_delete=models.PROTECT, related_name="holds")
    # The concern's reference as the DSL types it, such as SG-2026-0001.
    case_reference = models.CharField(max_length=64)
    reason = models.TextField()
    # The DSL or deputy who placed it; empty for a hold Chaperon placed when a case was raised
    # (``placed_by_label`` then says so).
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    placed_by_label = models.CharField(max_length=200, blank=True, default="")
    placed_at = models.DateTimeField()
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]

    def __str__(self) -> str:
        return f"hold on recording {self.recording_id} for {self.case_reference}"

    @property
    def active(self) -> bool:
        return self.released_at is None

    @property
    def placed_by_name(self) -> str:
        return self.placed_by.full_name if self.placed_by else self.placed_by_label


class DestructionTrigger(models.TextChoices):
    RETENTION = "retention", "Its retention period ended"
    WITHDRAWAL = "withdrawal", "Consent to recording was withdrawn"


def new_certificate_token() -> str:
    return secrets.token_urlsafe(32)


class DestructionCertificate(OrganisationOwned):
    """What was destroyed, when, why and by whom, with the SHA-256 of the ciphertext that was
    deleted. Kept after the recording is gone; shown to guardians through ``token``."""

    recording = models.OneToOneField(
        Recording, on_delete=models.PROTECT, related_name="certificate"
    )
    recording_uuid = models.UUIDField()
    session_title = models.CharField(max_length=200)
    session_start = models.DateTimeField()
    recorded_at = models.DateTimeField()
    track_count = models.PositiveIntegerField()
    ciphertext_bytes = models.BigIntegerField()
    ciphertext_sha256 = models.CharField(max_length=64)
    key_id = models.CharField(max_length=200)
    trigger = models.CharField(max_length=12, choices=DestructionTrigger.choices)
    reason = models.TextField()
    destroyed_at = models.DateTimeField()
    destroyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    destroyed_by_label = models.CharField(max_length=254)
    audit_seq = models.BigIntegerField(null=True, blank=True)
    audit_hash = models.CharField(max_length=64, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_certificate_token)

    class Meta:
        ordering = ["-destroyed_at", "-id"]

    def __str__(self) -> str:
        return f"destruction certificate {self.pk} for recording {self.recording_uuid}"


DEFAULT_PLAYBACK_ROLES = [
    role.value for role in Role if role in roles_with(Permission.PLAY_RECORDINGS)
]


def default_playback_roles() -> list[str]:
    return list(DEFAULT_PLAYBACK_ROLES)


class RecordingAccess(OrganisationOwned):
    """Who may play the organisation's recordings: part of its recording policy (REC-3).
    Absent until first changed: the DSL and their deputies."""

    roles = models.JSONField(default=default_playback_roles)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="recording_access_once")
        ]

    def __str__(self) -> str:
        return f"recording access of organisation {self.organisation_id}"

"""Consent per learner and purpose, what was asked, and the proof of every answer.

An answer is never edited: each one is a new ``Consent`` row that supersedes the learner's
current row for that purpose (``superseded_at`` set), so the history is the evidence. At most
one row per learner and purpose is current, which the database enforces.
"""

import uuid
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from chaperon.core.models import EmailDelivery, TimestampedModel
from chaperon.people.models import Guardian, Learner, Organisation, StaffMember, User

from .slots import describe_slots
from .texts import (
    DEFAULT_HOW_DESTROYED,
    DEFAULT_WHAT_IS_RECORDED,
    DEFAULT_WHERE_KEPT,
    DEFAULT_WHO_MAY_SEE,
    DEFAULT_WHY_RECORDED,
)


def short_reference(hex_digits: str) -> str:
    """The first eight hex digits in two groups of four, upper case (``F66D-3A1C``): a number
    people can read out and compare. The full value stays in the PDF and JSON receipts."""
    digits = hex_digits.replace("-", "")[:8].upper()
    return f"{digits[:4]}-{digits[4:]}"


class Purpose(models.TextChoices):
    LIVE_ONE_TO_ONE = "live_one_to_one", "Taking part in live 1:1 video sessions"
    LIVE_GROUP = "live_group", "Taking part in live group video sessions"
    RECORDING = "recording", "Being recorded in live sessions"
    PARENT_INFORMATION = "parent_information", "Parent information read and agreed"
    ACCEPTABLE_USE = "acceptable_use", "Acceptable use agreement"
    IMAGES = "images", "Use of images"


class Answer(models.TextChoices):
    GIVEN = "given", "Given"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Channel(models.TextChoices):
    ONLINE = "online", "Online, from a personal link"
    EMAIL_REPLY = "email_reply", "Reply by email"
    PAPER = "paper", "Paper form"
    TEXT_MESSAGE = "text_message", "Text message"
    PHONE = "phone", "Phone call (withdrawals only)"
    IN_PERSON = "in_person", "In person (withdrawals only)"
    STAFF_PORTAL = "staff_portal", "Signed in to Chaperon"


# Consent must be in writing (SES-8, SES-9, REC-4): a phone call can only take it away.
WRITTEN_CHANNELS = frozenset({Channel.EMAIL_REPLY, Channel.PAPER, Channel.TEXT_MESSAGE})


DEFAULT_REMINDER_INTERVAL_DAYS = 3


class ConsentSettings(TimestampedModel):
    """An organisation's consent settings. Absent until first saved: the defaults apply."""

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="+")
    consent_valid_months = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    expiry_warning_days = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    reminder_interval_days = models.PositiveSmallIntegerField(
        default=DEFAULT_REMINDER_INTERVAL_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    controller_contact = models.CharField(max_length=200, blank=True)
    controller_address = models.TextField(blank=True)
    controller_email = models.EmailField(blank=True)
    controller_phone = models.CharField(max_length=32, blank=True)

    def __str__(self) -> str:
        return f"Consent settings of organisation {self.organisation_id}"


class RecordingPolicy(TimestampedModel):
    """What the organisation does with recordings (REC-3, REC-5): rendered into the statement."""

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="+")
    what_is_recorded = models.TextField(default=DEFAULT_WHAT_IS_RECORDED)
    why_recorded = models.TextField(default=DEFAULT_WHY_RECORDED)
    where_kept = models.TextField(default=DEFAULT_WHERE_KEPT)
    retention_days = models.PositiveIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )
    who_may_see = models.TextField(default=DEFAULT_WHO_MAY_SEE)
    how_destroyed = models.TextField(default=DEFAULT_HOW_DESTROYED)

    def __str__(self) -> str:
        return f"Recording policy of organisation {self.organisation_id}"


class ImmutableError(Exception):
    """Statement versions and evidence are never changed once written."""


class StatementVersion(models.Model):
    """One saved version of an organisation's consent statement: the full text shown to
    whoever is asked, and the SHA-256 of that exact text (UTF-8), stored with each answer."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    intro = models.TextField()
    parent_information = models.TextField()
    text = models.TextField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["organisation", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="statement_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Statement version {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError("a statement version is never changed: save a new one")
        super().save(*args, **kwargs)

    @property
    def reference(self) -> str:
        return short_reference(self.sha256)


class ConsentAccess(TimestampedModel):
    """The personal link with which someone sees, changes or withdraws a learner's consent.
    It does not expire; a newer request to the same person for the same learner revokes it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="+")
    guardian = models.ForeignKey(
        Guardian, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_name = models.CharField(max_length=200)
    recipient_email = models.EmailField(blank=True)
    purposes = models.JSONField(default=list)
    nonce = models.CharField(max_length=64)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Consent link {self.pk} for learner {self.learner_id}"


class RequestStatus(models.TextChoices):
    AWAITING = "awaiting", "Waiting for an answer"
    NEEDS_OTHER_CHANNEL = "needs_other_channel", "No email address: ask by phone or on paper"
    ANSWERED = "answered", "Answered"
    SUPERSEDED = "superseded", "Replaced by a newer request"


class ConsentRequest(TimestampedModel):
    """One request for consent, to one guardian (or to an adult learner). The address it went
    to is kept here, as it was when sent."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="+")
    guardian = models.ForeignKey(
        Guardian, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_learner = models.BooleanField(default=False)
    recipient_name = models.CharField(max_length=200)
    recipient_email = models.EmailField(blank=True)
    purposes = models.JSONField()
    statement = models.ForeignKey(StatementVersion, on_delete=models.PROTECT, related_name="+")
    access = models.ForeignKey(ConsentAccess, on_delete=models.PROTECT, related_name="requests")
    status = models.CharField(
        max_length=24, choices=RequestStatus.choices, default=RequestStatus.AWAITING
    )
    nonce = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    last_emailed_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    email_delivery = models.ForeignKey(
        EmailDelivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="consentrequest_open"),
            models.Index(fields=["learner", "-created_at"], name="consentrequest_learner"),
        ]

    def __str__(self) -> str:
        return f"Consent request {self.pk} for learner {self.learner_id}"


class EvidenceKind(models.TextChoices):
    ANSWER = "answer", "Answer"
    WITHDRAWAL = "withdrawal", "Withdrawal"


class ConsentEvidence(TimestampedModel):
    """Who answered, for which learner, how, when, to which request and statement: one
    submission, whose answers per purpose are its ``consents``."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=EvidenceKind.choices)
    request = models.ForeignKey(
        ConsentRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    access = models.ForeignKey(
        ConsentAccess, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    guardian = models.ForeignKey(
        Guardian, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_by_learner = models.BooleanField(default=False)
    answered_by_name = models.CharField(max_length=200)
    answered_by_email = models.EmailField(blank=True)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    statement = models.ForeignKey(
        StatementVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    statement_sha256 = models.CharField(max_length=64, blank=True)
    answered_at = models.DateTimeField()
    given_on = models.DateField()
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attachment = models.FileField(upload_to="consent/", blank=True, max_length=255)
    attachment_name = models.CharField(max_length=255, blank=True)
    attachment_type = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    receipt_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    receipt = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-answered_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.receipt_id}"

    @property
    def receipt_number(self) -> str:
        return short_reference(self.receipt_id.hex)

    @property
    def statement_reference(self) -> str:
        return short_reference(self.statement_sha256) if self.statement_sha256 else ""


class Consent(models.Model):
    """One answer for one purpose. Current while ``superseded_at`` is empty."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="+")
    evidence = models.ForeignKey(ConsentEvidence, on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(max_length=24, choices=Purpose.choices)
    answer = models.CharField(max_length=12, choices=Answer.choices)
    # The last day on which a given consent holds; empty for declined and withdrawn.
    valid_until = models.DateField(null=True, blank=True)
    # For live 1:1 sessions (SES-1): [{"days": ["mon", ...], "from": "HH:MM", "to": "HH:MM"}]
    slots = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["learner", "purpose", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "purpose"],
                condition=models.Q(superseded_at__isnull=True),
                name="consent_one_current_per_purpose",
            ),
            models.CheckConstraint(
                condition=models.Q(answer__in=Answer.values), name="consent_answer_known"
            ),
            models.CheckConstraint(
                condition=models.Q(answer="given") | models.Q(valid_until__isnull=True),
                name="consent_only_given_expires",
            ),
        ]
        indexes = [
            models.Index(
                fields=["learner", "purpose"],
                condition=models.Q(superseded_at__isnull=True),
                name="consent_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.answer} for learner {self.learner_id}"

    @property
    def slots_text(self) -> str:
        return describe_slots(self.slots)


class OwnRecordingAgreement(TimestampedModel):
    """A written agreement with a family that records sessions itself (REC-9): what the
    recording is for and how long they keep it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="+")
    recorded_by_name = models.CharField(max_length=200)
    purpose = models.TextField()
    kept_until = models.DateField()
    agreed_on = models.DateField()
    attachment = models.FileField(upload_to="consent/", blank=True, max_length=255)
    attachment_name = models.CharField(max_length=255, blank=True)
    attachment_type = models.CharField(max_length=64, blank=True)
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-agreed_on", "-id"]

    def __str__(self) -> str:
        return f"Own recording agreement {self.pk}"


class StaffParty(models.TextChoices):
    STAFF = "staff", "The staff member"
    EMPLOYER = "employer", "Their employer (contracted staff)"


class StaffRecordingConsent(TimestampedModel):
    """Consent to be recorded given by a staff member, or for contracted staff by their
    employer (REC-4). Current while ``superseded_at`` is empty."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    party = models.CharField(max_length=10, choices=StaffParty.choices)
    answer = models.CharField(max_length=12, choices=Answer.choices)
    # Set on the staff member's own answer when someone other than the organisation employs them.
    employer_name = models.CharField(max_length=200, blank=True)
    statement = models.ForeignKey(
        StatementVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    statement_sha256 = models.CharField(max_length=64, blank=True)
    answered_at = models.DateTimeField()
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    attachment = models.FileField(upload_to="consent/", blank=True, max_length=255)
    attachment_name = models.CharField(max_length=255, blank=True)
    attachment_type = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["staff", "party", "-answered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "party"],
                condition=models.Q(superseded_at__isnull=True),
                name="staff_recording_consent_one_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.party} {self.answer} for staff {self.staff_id}"

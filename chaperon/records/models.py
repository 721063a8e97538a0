"""Meeting records (LOG-1, LOG-2): what the host wrote after each session, its amendments,
the reminders sent while it was not written, and what is left once it is destroyed.

The tables were made by the sessions app (label ``live_sessions``) and keep their names.
"""

from typing import ClassVar

from django.conf import settings
from django.db import models

from chaperon.people.models import OrganisationOwned
from chaperon.sessions.models import Session


class DeliveryMethod(models.TextChoices):
    CHAPERON_ROOM = "chaperon_room", "Chaperon room"
    APPROVED_PLATFORM = "approved_platform", "Another approved platform"
    PHONE = "phone", "Phone call"
    IN_PERSON = "in_person", "In person"


class MeetingRecord(OrganisationOwned):
    """What the host recorded after a session (the "keeping in touch" log, LOG-1). Written once;
    every later change is a ``MeetingRecordAmendment`` with a reason. ``digest`` is the SHA-256
    of the current content, also written to the audit log with each version, so a change made
    behind the product's back shows."""

    # The label its audit events have always carried, from before records had an app.
    audit_object_type: ClassVar[str] = "live_sessions.meetingrecord"

    session = models.OneToOneField(Session, on_delete=models.PROTECT, related_name="meeting_record")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(max_length=20, choices=DeliveryMethod.choices)
    # The approved platform used, when ``method`` is one.
    platform_name = models.CharField(max_length=100, blank=True)
    summary = models.TextField()
    digest = models.CharField(max_length=64)
    amended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "live_sessions_meetingrecord"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(summary=""), name="meeting_record_has_summary"
            )
        ]

    def __str__(self) -> str:
        return f"meeting record of {self.session_id}"


class MeetingAction(models.Model):
    """One action agreed in the meeting: what, who (a member of staff, or a named person), by
    when."""

    record = models.ForeignKey(MeetingRecord, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveSmallIntegerField()
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_name = models.CharField(max_length=200, blank=True)
    due_on = models.DateField()

    class Meta:
        db_table = "live_sessions_meetingaction"
        ordering = ["record", "position"]
        constraints = [
            models.UniqueConstraint(fields=["record", "position"], name="meeting_action_position"),
            models.CheckConstraint(
                condition=models.Q(owner__isnull=False) | ~models.Q(owner_name=""),
                name="meeting_action_has_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def owner_label(self) -> str:
        return self.owner.full_name if self.owner is not None else self.owner_name


class MeetingRecordAmendment(models.Model):
    """A change to a submitted record: who, when, why, and the content before and after."""

    record = models.ForeignKey(MeetingRecord, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveSmallIntegerField()
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amended_at = models.DateTimeField()
    reason = models.TextField()
    before = models.JSONField()
    after = models.JSONField()

    class Meta:
        db_table = "live_sessions_meetingrecordamendment"
        ordering = ["record", "number"]
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="meeting_amendment_number")
        ]

    def __str__(self) -> str:
        return f"amendment {self.number} of {self.record_id}"


class ReminderStage(models.TextChoices):
    HOST = "host", "The host"
    MANAGER = "manager", "The host's line manager (or the DSL)"


class MeetingRecordReminder(models.Model):
    """A reminder that a session's record is not written: each stage is sent once, ever."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=10, choices=ReminderStage.choices)
    sent_at = models.DateTimeField()
    recipients = models.JSONField(default=list)  # the addresses it went to

    class Meta:
        db_table = "live_sessions_meetingrecordreminder"
        constraints = [
            models.UniqueConstraint(fields=["session", "stage"], name="meeting_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.stage} reminder for {self.session_id}"


class MeetingRecordDestruction(OrganisationOwned):
    """What is left of a record destroyed at the end of its retention period (LOG-2): when it
    was written and destroyed, and its last digest; none of its content."""

    audit_object_type: ClassVar[str] = "live_sessions.meetingrecorddestruction"

    session = models.OneToOneField(
        Session, on_delete=models.PROTECT, related_name="meeting_record_destruction"
    )
    record_id = models.BigIntegerField()
    written_at = models.DateTimeField()
    destroyed_at = models.DateTimeField()
    retention_years = models.PositiveSmallIntegerField()
    digest = models.CharField(max_length=64)

    class Meta:
        db_table = "live_sessions_meetingrecorddestruction"

    def __str__(self) -> str:
        return f"meeting record of {self.session_id} destroyed"

"""Concerns, and everything that happens to them, kept for good.

A concern's own facts (what was reported, by whom, when) never change. What happens next is
added as entries: acknowledgement, triage, each step done, each referral, notes, changes of
category, date or learner with their reason, and closure. The few columns that say where a
concern stands now (status, current category, learner) change only through the services,
each change written as an entry in the same transaction. The database refuses changes to the
reported facts and any deletion (migration 0002).
"""

from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from chaperon.people.models import Learner, Organisation, OrganisationOwned
from chaperon.sessions.models import Session

from .conf import DESCRIPTION_MAX_CHARS, DETAIL_MAX_CHARS


class AppendOnlyError(Exception):
    """Concerns and their entries are only ever added to."""


class FourCs(models.TextChoices):
    CONTENT = "content", "Content: harmful or illegal material seen"
    CONTACT = "contact", "Contact: harmful contact with others (grooming, exploitation)"
    CONDUCT = "conduct", "Conduct: behaviour that causes harm (bullying, sharing images)"
    COMMERCE = "commerce", "Commerce: scams, gambling, pressure to buy"
    NOT_SURE = "not_sure", "Not sure"


class ConcernType(models.TextChoices):
    """INC-7: the types of concern, with the UK Safer Internet Centre content categories."""

    CYBERBULLYING = "cyberbullying", "Cyberbullying"
    GROOMING = "grooming", "Grooming"
    RADICALISATION = "radicalisation", "Radicalisation (Prevent)"
    SEXUAL_IMAGERY = "sexual_imagery", "Sexual imagery (nudes or semi-nudes)"
    SELF_HARM = "self_harm", "Self-harm"
    CYBERCRIME = "cybercrime", "Cybercrime"
    DISCRIMINATION = "discrimination", "Discrimination"
    DRUGS = "drugs", "Drugs"
    EXTREMISM = "extremism", "Extremism"
    MALWARE = "malware", "Malware or hacking"
    PORNOGRAPHY = "pornography", "Pornography"
    PIRACY = "piracy", "Piracy"
    VIOLENCE = "violence", "Violence"
    OTHER = "other", "Something else"


class ConcernKind(models.TextChoices):
    CONCERN = "concern", "Concern about a child or adult at risk"
    ALLEGATION = "allegation", "Allegation about a member of staff"


class AllegationOutcome(models.TextChoices):
    """How an allegation about a member of staff ended, recorded when it is closed (the
    outcomes Keeping children safe in education names; ``chaperon.core.pure.retention``
    reads them to say how long the record is kept)."""

    SUBSTANTIATED = "substantiated", "Substantiated"
    UNSUBSTANTIATED = "unsubstantiated", "Unsubstantiated"
    FALSE = "false", "False"
    MALICIOUS = "malicious", "Malicious"
    UNFOUNDED = "unfounded", "Unfounded"


class Source(models.TextChoices):
    STAFF = "staff", "Member of staff"
    PUBLIC = "public", "Public report page"
    INVITATION = "invitation", "Leave and report, from a session"
    SCREENING = "screening", "Chat screening, in a live session"


class ReporterRelation(models.TextChoices):
    PARENT = "parent", "Parent or carer"
    LEARNER = "learner", "Learner (the child or young person)"
    OTHER = "other", "Someone else"


class Status(models.TextChoices):
    RAISED = "raised", "Raised: waiting for the DSL"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    TRIAGED = "triaged", "Triaged: steps in progress"
    CLOSED = "closed", "Closed"


class ReferenceCounter(models.Model):
    """The last reference number given per organisation and year (SG-YYYY-NNNN)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="concern_reference_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.last}"


class _AppendOnlyQuerySet(models.QuerySet[Any]):
    def delete(self) -> NoReturn:
        raise AppendOnlyError("concerns and their entries are never deleted")


# The columns a concern's report is made of: fixed once written (the database enforces it).
# ``kind`` and ``subject_staff`` are where it stands now: the DSL may re-classify a concern as
# an allegation about a member of staff (an entry keeps what they were); ``subject_staff_name``
# stays as the reporter wrote it.
REPORTED_FACTS = (
    "organisation_id",
    "reference",
    "source",
    "raised_by_id",
    "reporter_name",
    "reporter_relation",
    "reporter_contact",
    "about_name",
    "subject_staff_name",
    "session_id",
    "description",
    "material_location",
    "seen_by",
    "immediate_danger",
    "created_at",
)


class Concern(OrganisationOwned):
    reference = models.CharField(max_length=16)
    kind = models.CharField(max_length=12, choices=ConcernKind.choices)
    source = models.CharField(max_length=12, choices=Source.choices)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reporter_name = models.CharField(max_length=200, blank=True)
    reporter_relation = models.CharField(
        max_length=12, choices=ReporterRelation.choices, blank=True
    )
    reporter_contact = models.CharField(max_length=254, blank=True)
    # Who it is about, as the reporter wrote it (the DSL links the learner's record).
    about_name = models.CharField(max_length=200, blank=True)
    subject_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_staff_name = models.CharField(max_length=200, blank=True)
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField()
    # INC-5: where any material is and who has seen it, never the material itself.
    material_location = models.TextField(blank=True)
    seen_by = models.TextField(blank=True)
    immediate_danger = models.BooleanField(default=False)
    # Where the concern stands now: changed only by the services, each change an entry.
    learner = models.ForeignKey(
        Learner, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(max_length=12, choices=FourCs.choices, default=FourCs.NOT_SURE)
    types = models.JSONField(default=list, blank=True)
    occurred_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RAISED)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    last_alerted_at = models.DateTimeField()
    escalations = models.PositiveSmallIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    # An allegation's outcome, given when it is closed (empty for a concern, and for an
    # allegation still open).
    allegation_outcome = models.CharField(
        max_length=16, choices=AllegationOutcome.choices, blank=True, default=""
    )

    objects: ClassVar[models.Manager[Any]] = _AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="concern_reference_unique"
            ),
            # Made by migration 0003 without rebuilding the table (see there).
            models.CheckConstraint(
                condition=models.Q(LessThanOrEqual(Length("description"), DESCRIPTION_MAX_CHARS))
                & models.Q(LessThanOrEqual(Length("material_location"), DETAIL_MAX_CHARS))
                & models.Q(LessThanOrEqual(Length("seen_by"), DETAIL_MAX_CHARS)),
                name="concern_text_bounded",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"], name="concern_org_status"),
            models.Index(fields=["status", "last_alerted_at"], name="concern_unacknowledged"),
            # The few allegations about staff among an organisation's concerns (INC-10).
            models.Index(fields=["organisation", "kind"], name="concern_org_kind"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def restricted(self) -> bool:
        return self.kind == ConcernKind.ALLEGATION

    @property
    def subject_staff_label(self) -> str:
        """Who an allegation is about: the member of staff named, or the name reported."""
        if self.subject_staff is not None:
            return str(self.subject_staff.full_name)
        return self.subject_staff_name

    @property
    def type_labels(self) -> list[str]:
        return [ConcernType(value).label for value in self.types if value in ConcernType.values]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and not kwargs.get("update_fields"):
            raise AppendOnlyError("change a concern through its services, by adding an entry")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("concerns are never deleted")


class EntryKind(models.TextChoices):
    RAISED = "raised", "Raised"
    ALERTED = "alerted", "DSL and deputies told"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ESCALATED = "escalated", "Escalated: not acknowledged in time"
    TRIAGED = "triaged", "Triaged"
    STEP_DONE = "step_done", "Step done"
    REFERRAL = "referral", "Referral made"
    NOTE = "note", "Note"
    CHANGED = "changed", "Changed"
    ACCESS_GRANTED = "access_granted", "Access given"
    EVIDENCE_HELD = "evidence_held", "Recordings held as evidence"
    RECLASSIFIED = "reclassified", "Re-classified as an allegation about staff"
    SUSPENDED = "suspended", "Suspended from sessions"
    SUSPENSION_ENDED = "suspension_ended", "Suspension from sessions lifted"
    TASK_ADDED = "task_added", "Task added"
    ASSIGNED = "assigned", "Step or task assigned"
    LINKED = "linked", "Linked to another learner"
    UNLINKED = "unlinked", "Link to another learner ended"
    CLOSED = "closed", "Closed"


class ConcernEntry(models.Model):
    """One thing that happened to a concern, in order. Never changed, never removed."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="entries")
    at = models.DateTimeField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author_label = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    summary = models.CharField(max_length=300)
    text = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects: ClassVar[models.Manager[Any]] = _AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.concern_id} {self.kind} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("concern entries are never changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("concern entries are never deleted")


class ConcernStep(models.Model):
    """A step the triage opened (Annex 1), or a task the DSL added, with its owner and due time.
    It may be assigned to someone else (a new owner and due time) until it is done; each
    assignment and its completion is an entry."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="steps")
    key = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    clause = models.CharField(max_length=20)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField()
    # Referrals to these agencies complete the step.
    agencies = models.JSONField(default=list, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.TextField(blank=True)

    objects: ClassVar[models.Manager[Any]] = _AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [models.UniqueConstraint(fields=["concern", "key"], name="concern_step_once")]

    def __str__(self) -> str:
        return self.title

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("concern steps are never deleted")


class ConcernAttachment(models.Model):
    """A document (never an image or a video: INC-5) given with a concern."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="attachments")
    path = models.CharField(max_length=255)
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager[Any]] = _AppendOnlyQuerySet.as_manager()

    def __str__(self) -> str:
        return self.name

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("concern attachments are never deleted")


class CaseAccess(models.Model):
    """Someone the DSL named to handle a restricted case (an allegation about staff)."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="access")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField()

    objects: ClassVar[models.Manager[Any]] = _AppendOnlyQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["concern", "user"], name="case_access_once")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.concern_id}"


class StaffSuspension(OrganisationOwned):
    """A member of staff suspended from hosting and joining sessions while an allegation about
    them is looked into (INC-10). The policy and the room refuse them as long as it stands;
    nobody is told why. Lifting it is recorded, never deleted."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="suspensions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    suspended_at = models.DateTimeField()
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-suspended_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["concern", "user"],
                condition=models.Q(lifted_at__isnull=True),
                name="staff_suspension_standing_once",
            )
        ]
        indexes = [models.Index(fields=["user", "lifted_at"], name="staff_suspension_user")]

    def __str__(self) -> str:
        return f"suspension {self.pk} on {self.concern_id}"

    @property
    def standing(self) -> bool:
        return self.lifted_at is None

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("suspensions are lifted, never deleted")


class LinkRelation(models.TextChoices):
    SIBLING = "sibling", "Brother or sister"
    FAMILY = "family", "Another family member"
    HOUSEHOLD = "household", "Lives in the same household"
    OTHER = "other", "Otherwise connected"


class ConcernLink(models.Model):
    """The DSL chose to show a concern on another learner's chronology (a sibling, a family
    member). Ended, never deleted."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="links")
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="+")
    relation = models.CharField(max_length=12, choices=LinkRelation.choices)
    reason = models.TextField()
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField()
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["linked_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["concern", "learner"],
                condition=models.Q(ended_at__isnull=True),
                name="concern_link_standing_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.concern_id} shown for learner {self.learner_id}"

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("links are ended, never deleted")


class ReportCount(models.Model):
    """Reports sent from one address to the public page in one hour. The address is kept only
    as a keyed hash; rows are forgotten after the hour (``ratelimit``)."""

    address_key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    reports = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["address_key", "window_start"], name="concern_report_count_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.address_key[:8]} {self.window_start:%Y-%m-%d %H:%M}: {self.reports}"


class SpooledReport(models.Model):
    """A public report kept in the spool while the database was down, once raised: its receipt
    is unique, so a report replayed twice is raised once (``spool``)."""

    receipt = models.CharField(max_length=32, unique=True)
    concern = models.OneToOneField(Concern, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField()
    replayed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.receipt} -> {self.concern_id}"

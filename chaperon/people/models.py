"""Organisations and the people in them. Every record belongs to exactly one organisation."""

import zoneinfo
from datetime import date, time
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from chaperon.core.models import TimestampedModel
from chaperon.core.pure import dates
from chaperon.core.validators import single_line

from .emails import normalise_email
from .roles import SECOND_FACTOR_ROLES, Role, TrustRole

WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# Nobody alive is older: a date of birth before this many years ago is a typing mistake.
OLDEST_AGE_YEARS = 120


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a time zone name such as Europe/London")


def validate_working_days(value: str) -> None:
    if not value or any(c not in "1234567" for c in value) or len(set(value)) != len(value):
        raise ValidationError("choose at least one day, each once (1 = Monday … 7 = Sunday)")


def normalise_postcode(value: str) -> str:
    """A postcode as it is printed: capitals, one space before the last three characters
    ("sw1a1aa" is "SW1A 1AA"). What is not a UK-shaped postcode is kept as given, in capitals."""
    compact = "".join(value.split()).upper()
    if 5 <= len(compact) <= 7 and compact[-3].isdigit():
        return f"{compact[:-3]} {compact[-3:]}"
    return " ".join(value.split()).upper()


class Trust(TimestampedModel):
    """A multi-academy trust (or any group of organisations run together): its members see
    the figures of its schools side by side, never a record of a person in them."""

    name = models.CharField(max_length=200, validators=[single_line])
    slug = models.SlugField(max_length=60, unique=True)

    def __str__(self) -> str:
        return self.name


class Organisation(TimestampedModel):
    name = models.CharField(max_length=200, validators=[single_line])
    slug = models.SlugField(max_length=60, unique=True)
    # Where families find the school on the public report page (by name or postcode).
    postcode = models.CharField(
        max_length=10,
        blank=True,
        validators=[single_line],
        help_text="Families can find the organisation by it on the public report page.",
    )
    trust = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.PROTECT, related_name="schools"
    )
    time_zone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    # ISO weekday numbers, Monday = 1: "12345" is Monday to Friday.
    working_days = models.CharField(
        max_length=7, default="12345", validators=[validate_working_days]
    )
    working_hours_start = models.TimeField(default=time(8, 30))
    working_hours_end = models.TimeField(default=time(17, 0))
    senior_leadership_email = models.EmailField(blank=True)
    safeguarding_contacts = models.TextField(
        blank=True, help_text="Published to staff, learners and families (ORG-1)."
    )
    compliance_warning_days = models.PositiveSmallIntegerField(default=30)
    # How long each staff check stays valid (SES-10): read by the dashboard and the session policy.
    dbs_valid_years = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    training_valid_years = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    aup_valid_years = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    # How long meeting records are kept after the session before they are destroyed (LOG-2).
    meeting_record_retention_years = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    is_demo = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(working_hours_start__lt=models.F("working_hours_end")),
                name="organisation_working_hours_in_order",
            )
        ]
        indexes = [models.Index(fields=["trust", "name"], name="organisation_trust_name")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.postcode = normalise_postcode(self.postcode)
        super().save(*args, **kwargs)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def today(self) -> date:
        """Today's date where the organisation is: dates people give are judged by it."""
        return timezone.now().astimezone(self.zone).date()

    @property
    def working_day_names(self) -> list[str]:
        return [WEEKDAY_NAMES[int(day) - 1] for day in sorted(self.working_days)]

    def clean(self) -> None:
        if self.working_hours_start >= self.working_hours_end:
            raise ValidationError({"working_hours_end": "must be later than the start of the day"})


def years_before(day: date, years: int) -> date:
    """The same date ``years`` earlier (29 February becomes 28 February)."""
    return dates.add_years(day, -years)


def refuse_future(instance: models.Model, today: date, fields: dict[str, str]) -> None:
    """Refuse each of ``fields`` (name: what it holds) whose date is after ``today``."""
    errors = {
        name: f"{value:%d/%m/%Y} is in the future; give {what}"
        for name, what in fields.items()
        if isinstance(value := getattr(instance, name), date) and value > today
    }
    if errors:
        raise ValidationError(errors)


EMAIL_MAX_LENGTH = 254  # every email column's length, as RFC 5321 allows


def normalise_email_of(instance: "User | Learner | Guardian") -> None:
    """Put ``instance.email`` in its normal form, which must still fit its column."""
    instance.email = normalise_email(instance.email)
    if len(instance.email) > EMAIL_MAX_LENGTH:
        raise ValidationError(
            {
                "email": f"is {len(instance.email)} characters long; an email address has "
                f"{EMAIL_MAX_LENGTH} at most"
            }
        )


# What an administrator may change about their organisation: the settings page's fields and the
# only keys ``organisation_update`` accepts.
ORGANISATION_SETTINGS = (
    "name",
    "time_zone",
    "working_days",
    "working_hours_start",
    "working_hours_end",
    "senior_leadership_email",
    "safeguarding_contacts",
    "postcode",
    "compliance_warning_days",
    "dbs_valid_years",
    "training_valid_years",
    "aup_valid_years",
    "meeting_record_retention_years",
)


class OrganisationOwned(TimestampedModel):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class Site(OrganisationOwned):
    name = models.CharField(max_length=200, validators=[single_line])
    address = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="site_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email=normalise_email(username or ""))

    def create_user(
        self, *, email: str, organisation: Organisation, full_name: str, password: str | None
    ) -> "User":
        user = self.model(email=normalise_email(email), organisation=organisation)
        user.full_name = full_name
        user.set_password(password)
        user.save()
        return user


class User(AbstractBaseUser):
    """Someone who signs in. Staff have a ``StaffMember`` record with their roles."""

    # Always stored in its normal form (``normalise_email``), so unique means unique as people
    # read it: no second account differs from another by capitals or a look-alike letter.
    email = models.EmailField(max_length=EMAIL_MAX_LENGTH, unique=True)
    full_name = models.CharField(max_length=200, validators=[single_line])
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        normalise_email_of(self)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    @property
    def roles(self) -> frozenset[str]:
        cached: frozenset[str] | None = getattr(self, "_roles_cache", None)
        if cached is None:
            staff = self.staff_record()
            cached = staff.role_set if staff else frozenset()
            self._roles_cache = cached
        return cached

    def staff_record(self) -> "StaffMember | None":
        """The user's staff record (None for anyone else), read once per request."""
        if not hasattr(self, "_staff_record_cache"):
            self._staff_record_cache = StaffMember.objects.filter(user=self).first()
        return self._staff_record_cache

    @property
    def needs_second_factor(self) -> bool:
        return not self.roles.isdisjoint(SECOND_FACTOR_ROLES)


class TrustMembership(TimestampedModel):
    """A role someone holds in a trust: what they see of its schools is the trust table of
    ``roles.py``. Their own account still belongs to one organisation (a school or the trust's
    central team)."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="trust_memberships")
    role = models.CharField(max_length=20, choices=TrustRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["trust", "user", "role"], name="trust_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) of {self.trust}"


class DbsType(models.TextChoices):
    BASIC = "basic", "Basic"
    STANDARD = "standard", "Standard"
    ENHANCED = "enhanced", "Enhanced"
    ENHANCED_BARRED = "enhanced_barred", "Enhanced with barred list"


class StaffMember(OrganisationOwned):
    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="staff")
    external_id = models.CharField(max_length=64, blank=True, validators=[single_line])
    job_title = models.CharField(max_length=200, blank=True, validators=[single_line])
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL)
    line_manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    dbs_checked_on = models.DateField(null=True, blank=True)
    dbs_type = models.CharField(max_length=20, choices=DbsType.choices, blank=True)
    safeguarding_training_on = models.DateField(null=True, blank=True)
    aup_signed_on = models.DateField(null=True, blank=True)
    # Optional; used only to keep the record of an allegation about them until their normal
    # retirement age (``chaperon.core.pure.retention.allegation_due``).
    date_of_birth = models.DateField(null=True, blank=True)
    # The day they left (``staff_mark_left``): their account no longer signs in, their records
    # are kept.
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~models.Q(external_id=""),
                name="staff_external_id_unique",
            )
        ]

    def __str__(self) -> str:
        return self.user.full_name

    def clean(self) -> None:
        super().clean()
        today = self.organisation.today()
        refuse_future(
            self,
            today,
            {
                "dbs_checked_on": "the date of the DBS certificate",
                "safeguarding_training_on": "the date the training was completed",
                "aup_signed_on": "the date the agreement was signed",
                "date_of_birth": "their date of birth, or leave it empty",
            },
        )

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(role.role for role in self.roles.all())

    @property
    def role_labels(self) -> list[str]:
        return [Role(role).label for role in sorted(self.role_set)]


class StaffRole(models.Model):
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "role"], name="staff_role_unique"),
        ]

    def __str__(self) -> str:
        return self.role


class Learner(OrganisationOwned):
    external_id = models.CharField(max_length=64, blank=True, validators=[single_line])
    first_name = models.CharField(max_length=100, validators=[single_line])
    last_name = models.CharField(max_length=100, validators=[single_line])
    date_of_birth = models.DateField()
    adult_at_risk = models.BooleanField(default=False)
    year_group = models.CharField(max_length=50, blank=True, validators=[single_line])
    # The registration or tutor group (7B, 10 Ash): the group a form tutor looks after.
    tutor_group = models.CharField(max_length=50, blank=True, validators=[single_line])
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL)
    # The learner's own address, where the organisation uses one: session invitations go to it.
    email = models.EmailField(blank=True)
    # The day they left (``learner_mark_left``): no new sessions; their records are kept.
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~models.Q(external_id=""),
                name="learner_external_id_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["organisation", "last_name", "first_name", "id"],
                name="learner_list_order",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def clean(self) -> None:
        super().clean()
        normalise_email_of(self)
        if isinstance(self.date_of_birth, date):
            today = self.organisation.today()
            refuse_future(self, today, {"date_of_birth": "the learner's date of birth"})
            if self.date_of_birth < years_before(today, OLDEST_AGE_YEARS):
                raise ValidationError(
                    {
                        "date_of_birth": f"{self.date_of_birth:%d/%m/%Y} is more than "
                        f"{OLDEST_AGE_YEARS} years ago; check the year"
                    }
                )

    def age_on(self, day: date) -> int:
        return dates.age_on(self.date_of_birth, day)


class ContactMethod(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone call"
    SMS = "sms", "Text message"


class Guardian(OrganisationOwned):
    """A parent, carer or other adult with a relationship to one or more learners."""

    external_id = models.CharField(max_length=64, blank=True, validators=[single_line])
    full_name = models.CharField(max_length=200, validators=[single_line])
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True, validators=[single_line])
    preferred_contact = models.CharField(
        max_length=10, choices=ContactMethod.choices, default=ContactMethod.EMAIL
    )

    class Meta:
        ordering = ["full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~models.Q(external_id=""),
                name="guardian_external_id_unique",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        super().clean()
        normalise_email_of(self)
        if self.preferred_contact in (ContactMethod.PHONE, ContactMethod.SMS) and not self.phone:
            way = ContactMethod(self.preferred_contact).label.lower()
            raise ValidationError(
                {
                    "phone": f"is needed: the preferred way to contact them is {way}; give a "
                    "phone number or choose email"
                }
            )


class Relationship(models.TextChoices):
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    PARENT = "parent", "Parent"
    STEP_PARENT = "step_parent", "Step-parent"
    GRANDPARENT = "grandparent", "Grandparent"
    FOSTER_CARER = "foster_carer", "Foster carer"
    CARER = "carer", "Carer"
    OTHER = "other", "Other"


class GuardianRelationship(OrganisationOwned):
    guardian = models.ForeignKey(Guardian, on_delete=models.PROTECT, related_name="relationships")
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="relationships")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    parental_responsibility = models.BooleanField(default=False)

    class Meta:
        ordering = ["-parental_responsibility", "guardian__full_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["guardian", "learner"], name="guardian_learner_unique")
        ]

    def __str__(self) -> str:
        return f"{self.guardian} ({self.get_relationship_display()}) of {self.learner}"


class ImportKind(models.TextChoices):
    STAFF = "staff", "Staff"
    LEARNERS = "learners", "Learners"
    GUARDIANS = "guardians", "Parents and carers"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    DONE = "done", "Imported"
    REFUSED = "refused", "Not imported: the file has problems"
    FAILED = "failed", "Failed"


class ImportJob(OrganisationOwned):
    """One CSV file uploaded for import, and what became of it.

    ``content`` holds the file's text only until the import ends; then it is emptied, so that
    the personal data in it lives on in the people records alone. ``errors`` is a list of
    ``{"line", "column", "message"}``. Progress while running lives in the cache (see
    ``chaperon.people.imports.progress``); the row holds the final figures.
    """

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=255, blank=True)
    content = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(default=0)
    rows_checked = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    failure = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="importjob_org_recent")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import {self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in {ImportStatus.DONE, ImportStatus.REFUSED, ImportStatus.FAILED}


class GroupKind(models.TextChoices):
    CLASS = "class", "Class"
    YEAR = "year", "Year group"
    TUTOR = "tutor", "Tutor group"


class Group(OrganisationOwned):
    """A class, year group or tutor group: its teachers and learners are its members
    (``GroupMember``). ``external_id`` is the information system's id (a OneRoster
    ``sourcedId``); a group no longer in the system's export is ended, not deleted."""

    kind = models.CharField(max_length=10, choices=GroupKind.choices)
    name = models.CharField(max_length=200, validators=[single_line])
    external_id = models.CharField(max_length=255, blank=True, validators=[single_line])
    course = models.CharField(max_length=200, blank=True, validators=[single_line])
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~models.Q(external_id=""),
                name="group_external_id_unique",
            )
        ]
        indexes = [models.Index(fields=["organisation", "kind", "name"], name="group_list_order")]

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    """One teacher (a member of staff) or one learner in a group."""

    class Role(models.TextChoices):
        TEACHER = "teacher", "Teacher"
        LEARNER = "learner", "Learner"

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=10, choices=Role.choices)
    learner = models.ForeignKey(
        Learner, null=True, blank=True, on_delete=models.PROTECT, related_name="group_memberships"
    )
    staff = models.ForeignKey(
        StaffMember,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="group_memberships",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role="learner", learner__isnull=False, staff__isnull=True)
                    | models.Q(role="teacher", staff__isnull=False, learner__isnull=True)
                ),
                name="group_member_one_person",
            ),
            models.UniqueConstraint(fields=["group", "learner"], name="group_learner_unique"),
            models.UniqueConstraint(fields=["group", "staff"], name="group_staff_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.learner or self.staff} in {self.group}"


class RosterImport(OrganisationOwned):
    """One OneRoster export read: previewed, applied or refused. ``fingerprint`` (SHA-256 of its
    files) lets a folder's export be applied once. ``content`` holds the files' text only while
    an uploaded export waits to be checked or applied (by the task worker, whose progress is
    kept in the cache, as an import job's is); ``summary`` the counts and ``errors`` the problems
    (``{"file", "line", "column", "message"}``)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be checked"
        CHECKING = "checking", "Being checked"
        PREVIEWED = "previewed", "Previewed, not applied"
        APPLY_QUEUED = "apply_queued", "Waiting to be applied"
        APPLYING = "applying", "Being applied"
        APPLIED = "applied", "Applied"
        REFUSED = "refused", "Not imported: the export has problems"
        FAILED = "failed", "Failed: nothing was changed"

    # Being checked or applied by the task worker (``people.tasks``): its page follows it.
    RUNNING = frozenset({Status.QUEUED, Status.CHECKING, Status.APPLY_QUEUED, Status.APPLYING})

    source = models.CharField(max_length=255, blank=True)
    fingerprint = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who asked for a previewed export to be applied: the task applies it as them.
    applied_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    content = models.JSONField(default=dict, blank=True)
    # While it waits to be applied: what applying it would change (counts, and the first names
    # of each kind), worked out once by the task; emptied with ``content``.
    preview = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    failure = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "fingerprint"], name="rosterimport_fingerprint")
        ]

    def __str__(self) -> str:
        return f"OneRoster import {self.pk}"

    @property
    def running(self) -> bool:
        return self.status in self.RUNNING

"""The safeguarding team's posts that are not staff roles, and the contact published for each
member of the team (ORG-1).

The Designated Safeguarding Lead and the deputies are staff roles (``people.roles``); the
board's safeguarding champion, the online safety group and the ICT lead are posts held here by
members of staff. Who is shown for a post is worked out when the page is read: someone who
left, or lost the role a post needs, is no longer shown.

Below them, the filtering and monitoring reports imported from the web filter, their entries,
and the record of the termly checks and yearly reviews (ORG-5).
"""

from django.conf import settings
from django.db import models

from chaperon.core.validators import single_line
from chaperon.people.models import Guardian, Learner, OrganisationOwned


class Post(models.TextChoices):
    CHAMPION = "champion", "Safeguarding champion on the board"
    ONLINE_SAFETY_GROUP = "online_safety_group", "Online safety group"
    ICT_LEAD = "ict_lead", "ICT lead"


# Posts one person holds at a time: giving one to someone moves it from whoever held it.
SINGLE_HOLDER_POSTS = (Post.CHAMPION, Post.ICT_LEAD)


class TeamPost(OrganisationOwned):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    post = models.CharField(max_length=30, choices=Post.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "post"], name="team_post_once_each"
            ),
            models.UniqueConstraint(
                fields=["organisation", "post"],
                condition=models.Q(post__in=SINGLE_HOLDER_POSTS),
                name="team_post_single_holder",
            ),
        ]


class PublishedContact(OrganisationOwned):
    """How learners and families may reach one member of the team, as published on the
    contacts page (a telephone extension, a shared mailbox): never their own details unless
    the organisation chooses to publish them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    line = models.CharField(max_length=200, validators=[single_line])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="published_contact_once_each"
            )
        ]


class Audience(models.TextChoices):
    STAFF = "staff", "Staff"
    LEARNER_PRIMARY = "learner_primary", "Learners in key stages 1 and 2"
    LEARNER_SECONDARY = "learner_secondary", "Learners in key stages 3 and 4"
    LEARNER_POST16 = "learner_post16", "Learners in key stage 5, and adult learners"
    PARENT = "parent", "Parents and carers"
    GUEST = "guest", "Guests"


class AupVersion(OrganisationOwned):
    """One version of the acceptable use agreement for one audience (ORG-2). Versions are never
    changed: a new text is a new version, and everyone in its audience is asked again."""

    audience = models.CharField(max_length=30, choices=Audience.choices)
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200, validators=[single_line])
    text = models.TextField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "audience", "number"], name="aup_version_number_once"
            )
        ]


class AupSignature(OrganisationOwned):
    """One agreement to one version: by a member of staff signed in (``user``), or by personal
    link (``learner`` for a learner's agreement, signed by the learner or, with them, by a
    parent or carer named in ``guardian``; ``guardian`` alone for the parents' agreement)."""

    version = models.ForeignKey(AupVersion, on_delete=models.PROTECT, related_name="signatures")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    learner = models.ForeignKey(Learner, null=True, on_delete=models.PROTECT, related_name="+")
    guardian = models.ForeignKey(Guardian, null=True, on_delete=models.PROTECT, related_name="+")
    signed_name = models.CharField(max_length=200, blank=True, validators=[single_line])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="aup_signed_once"),
            models.UniqueConstraint(
                fields=["version", "learner"],
                condition=models.Q(learner__isnull=False),
                name="aup_learner_signed_once",
            ),
            models.UniqueConstraint(
                fields=["version", "guardian"],
                condition=models.Q(learner__isnull=True, guardian__isnull=False),
                name="aup_guardian_signed_once",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, learner__isnull=True, guardian__isnull=True)
                    | models.Q(user__isnull=True, learner__isnull=False)
                    | models.Q(user__isnull=True, guardian__isnull=False)
                ),
                name="aup_signed_by_one",
            ),
        ]


class AupRequest(OrganisationOwned):
    """A personal link sent to agree to one version (ORG-2): for a learner's agreement to the
    learner (``guardian`` empty) or to a parent or carer to agree with them; for the parents'
    agreement to the parent or carer (``learner`` empty). The link stops once the agreement is
    signed, by this link or another, and when a newer version is published."""

    version = models.ForeignKey(AupVersion, on_delete=models.PROTECT, related_name="requests")
    learner = models.ForeignKey(Learner, null=True, on_delete=models.PROTECT, related_name="+")
    guardian = models.ForeignKey(Guardian, null=True, on_delete=models.PROTECT, related_name="+")
    email = models.EmailField()
    nonce = models.CharField(max_length=64)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "learner", "guardian"],
                condition=models.Q(learner__isnull=False, guardian__isnull=False),
                name="aup_request_once_with_guardian",
            ),
            models.UniqueConstraint(
                fields=["version", "learner"],
                condition=models.Q(guardian__isnull=True),
                name="aup_request_once_to_learner",
            ),
            models.UniqueConstraint(
                fields=["version", "guardian"],
                condition=models.Q(learner__isnull=True),
                name="aup_request_once_to_guardian",
            ),
            models.CheckConstraint(
                condition=models.Q(learner__isnull=False) | models.Q(guardian__isnull=False),
                name="aup_request_for_someone",
            ),
        ]


# Filtering and monitoring reports (ORG-5) ----------------------------------------------------


class FilterCategory(models.TextChoices):
    """The UK Safer Internet Centre's categories of inappropriate online content, as a school's
    web filter and monitoring service report them. The keys are stored: never rename one."""

    ILLEGAL = "illegal", "Illegal content"
    BULLYING = "bullying", "Bullying"
    CHILD_SEXUAL_EXPLOITATION = "child_sexual_exploitation", "Child sexual exploitation"
    DISCRIMINATION = "discrimination", "Discrimination"
    DRUGS = "drugs", "Drugs and substance abuse"
    EXTREMISM = "extremism", "Extremism"
    GAMBLING = "gambling", "Gambling"
    MALWARE = "malware", "Malware and hacking"
    PORNOGRAPHY = "pornography", "Pornography"
    PIRACY = "piracy", "Piracy and copyright theft"
    SELF_HARM = "self_harm", "Self harm"
    VIOLENCE = "violence", "Violence"


# Categories whose every entry is marked serious: a risk of harm to the person or to others
# that the safeguarding lead should see first, whether the filter blocked it or not.
SERIOUS_CATEGORIES = frozenset(
    {
        FilterCategory.ILLEGAL,
        FilterCategory.CHILD_SEXUAL_EXPLOITATION,
        FilterCategory.EXTREMISM,
        FilterCategory.SELF_HARM,
        FilterCategory.PORNOGRAPHY,
        FilterCategory.BULLYING,
        FilterCategory.VIOLENCE,
    }
)


class FilterAction(models.TextChoices):
    BLOCKED = "blocked", "Blocked"
    ALLOWED = "allowed", "Allowed"
    FLAGGED = "flagged", "Flagged"


class FilterReport(OrganisationOwned):
    """One imported file of the web filter's or monitoring service's report. Kept whole or
    not at all: a file with any refused row saves nothing."""

    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(max_length=200, blank=True)
    entry_count = models.PositiveIntegerField()
    serious_count = models.PositiveIntegerField()
    unmatched_count = models.PositiveIntegerField()
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]


class FilterEntry(OrganisationOwned):
    """One row of a report: what the filter did, when, for whom. Only the site's domain is
    kept, never the rest of its address (a path or query can hold search words or names)."""

    report = models.ForeignKey(FilterReport, on_delete=models.PROTECT, related_name="entries")
    line = models.PositiveIntegerField()  # the line of the file it came from
    occurred_at = models.DateTimeField()
    user_name = models.CharField(max_length=254)  # as the filter names them
    learner = models.ForeignKey(
        "people.Learner", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    domain = models.CharField(max_length=253)
    category = models.CharField(max_length=30, choices=FilterCategory.choices)
    action = models.CharField(max_length=10, choices=FilterAction.choices)
    serious = models.BooleanField()
    device = models.CharField(max_length=200, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    # The concern raised from this entry: one at most.
    concern = models.OneToOneField(
        "concerns.Concern", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    concern_reference = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["occurred_at", "line"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(learner__isnull=True) | models.Q(staff_user__isnull=True),
                name="filter_entry_one_person",
            )
        ]
        indexes = [models.Index(fields=["report", "serious", "category"])]


class FilterCheckKind(models.TextChoices):
    CHECK = "check", "Check of the reports (termly)"
    REVIEW = "review", "Review of filtering and monitoring (yearly)"


class FilterCheck(OrganisationOwned):
    """Someone recorded that they checked the reports, or reviewed the filtering and
    monitoring as a whole, on a day."""

    kind = models.CharField(max_length=10, choices=FilterCheckKind.choices)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_on = models.DateField()
    note = models.TextField(max_length=2000)

    class Meta:
        ordering = ["-checked_on", "-id"]


# The training register (ORG-3) ---------------------------------------------------------------


class CourseKind(models.TextChoices):
    INDUCTION = "induction", "Induction"
    SAFEGUARDING_UPDATE = "safeguarding_update", "Annual safeguarding update"
    ONLINE_SAFETY = "online_safety", "Online safety"
    DSL_TRAINING = "dsl_training", "Designated Safeguarding Lead training"
    OTHER = "other", "Other"


class CourseFor(models.TextChoices):
    """Who must take a course, as a permission of the table in ``people.roles``: everyone on
    the staff, or those granted the permission named (``training.COURSE_FOR_PERMISSION``)."""

    EVERYONE = "everyone", "Every member of staff"
    HANDLE_CONCERNS = "handle_concerns", "Those who handle concerns"


class TrainingCourse(OrganisationOwned):
    """A course the organisation's staff take: once (``valid_months`` 0), or again before it
    lapses, ``valid_months`` after each completion."""

    name = models.CharField(max_length=200, validators=[single_line])
    kind = models.CharField(max_length=30, choices=CourseKind.choices)
    valid_months = models.PositiveSmallIntegerField()
    required_of = models.CharField(max_length=30, choices=CourseFor.choices)
    # Retired: no longer required of anyone and not reminded; kept, with its completions.
    retired_on = models.DateField(null=True, blank=True)
    former_names = models.JSONField(default=list, blank=True)  # oldest first

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="training_course_name")
        ]

    def __str__(self) -> str:
        return self.name


class TrainingCompletion(OrganisationOwned):
    """A member of staff completed a course on a day. The evidence: the certificate's file (a
    PDF or an image, ``certificates``), a reference to it (its number, or where it is kept)
    and a note; never changed once recorded."""

    course = models.ForeignKey(TrainingCourse, on_delete=models.PROTECT, related_name="completions")
    staff = models.ForeignKey("people.StaffMember", on_delete=models.PROTECT, related_name="+")
    completed_on = models.DateField()
    certificate = models.CharField(max_length=200, blank=True, validators=[single_line])
    certificate_file = models.FileField(upload_to="training/", blank=True, max_length=255)
    certificate_file_name = models.CharField(max_length=255, blank=True)
    certificate_file_type = models.CharField(max_length=64, blank=True)
    note = models.TextField(max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # The day the reminder that this completion is about to lapse was sent: once, ever.
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        indexes = [models.Index(fields=["course", "staff", "completed_on"])]


# The board's quarterly report (ORG-6) ---------------------------------------------------------


class BoardReport(OrganisationOwned):
    """One quarter's report to the board: its figures are worked out from the records each time
    it is read; what is kept is the narrative the DSL adds and when the report was prepared
    (the quarter ended and the DSL and the safeguarding champion were told)."""

    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()  # 1 (January to March) to 4
    narrative = models.TextField(blank=True, max_length=10000)
    narrative_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    narrative_at = models.DateTimeField(null=True, blank=True)
    prepared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "quarter"], name="board_report_once_a_quarter"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="board_report_quarter"
            ),
        ]


# The annual review of online safety (ORG-6) ----------------------------------------------------


class AnnualReview(OrganisationOwned):
    """One version of a school year's review of online safety: the risk assessment, the
    DSL's findings and the actions. A version signed off by the board's safeguarding champion
    is never changed: a change is a new version, which starts as a copy of the last."""

    year = models.PositiveSmallIntegerField()  # the school year beginning in its September
    version = models.PositiveSmallIntegerField()
    findings = models.TextField(blank=True, max_length=20000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "version"], name="annual_review_version_once"
            ),
            # One version of a year is being written at a time.
            models.UniqueConstraint(
                fields=["organisation", "year"],
                condition=models.Q(signed_off_at__isnull=True),
                name="annual_review_one_draft",
            ),
        ]

    @property
    def signed_off(self) -> bool:
        return self.signed_off_at is not None


class Level(models.IntegerChoices):
    VERY_LOW = 1, "1: very low"
    LOW = 2, "2: low"
    MEDIUM = 3, "3: medium"
    HIGH = 4, "4: high"
    VERY_HIGH = 5, "5: very high"


class ReviewRisk(models.Model):
    """One risk of the online safety risk assessment, in one version of a review."""

    review = models.ForeignKey(AnnualReview, on_delete=models.CASCADE, related_name="risks")
    risk = models.CharField(max_length=300, validators=[single_line])
    likelihood = models.PositiveSmallIntegerField(choices=Level.choices)
    impact = models.PositiveSmallIntegerField(choices=Level.choices)
    controls = models.TextField(max_length=4000)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    review_on = models.DateField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.risk

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


class ReviewAction(models.Model):
    """An action the review sets, with its owner and date; one still open when the next year's
    review begins is carried forward to it."""

    review = models.ForeignKey(AnnualReview, on_delete=models.CASCADE, related_name="actions")
    action = models.CharField(max_length=300, validators=[single_line])
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    carried_from_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.action


# The self-review (ORG-8) -----------------------------------------------------------------------


class SelfReview(OrganisationOwned):
    """One self-review, on a day: every aspect rated. Kept as made, one per review, so that
    the next can be compared with it."""

    reviewed_on = models.DateField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-reviewed_on", "-id"]


class SelfReviewRating(models.Model):
    review = models.ForeignKey(SelfReview, on_delete=models.CASCADE, related_name="ratings")
    aspect = models.CharField(max_length=40)
    level = models.PositiveSmallIntegerField()
    commentary = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "aspect"], name="self_review_aspect_once"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="self_review_level"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.aspect}: {self.level}"


class SelfReviewAction(models.Model):
    """An action of a self-review's plan for one aspect, with its owner and due date. One still
    open when the next self-review is made is carried into it (``carried_from``)."""

    review = models.ForeignKey(SelfReview, on_delete=models.CASCADE, related_name="actions")
    aspect = models.CharField(max_length=40)
    action = models.CharField(max_length=300, validators=[single_line])
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.action


# Board meetings (ORG-6) ------------------------------------------------------------------------


class BoardMeeting(OrganisationOwned):
    """A day the board meets, set by the organisation: the DSL is reminded before it to write
    the quarterly report's narrative, once (``reminded_at``)."""

    meets_on = models.DateField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meets_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "meets_on"], name="board_meeting_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"board meeting {self.meets_on}"

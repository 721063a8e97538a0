from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat

from chaperon.core.forms import Choices, Form, IsoDateInput
from chaperon.people.imports.csvfile import UnreadableFile, decode_csv
from chaperon.people.models import User
from chaperon.people.pickers import PeopleField, offer_people

from .audiences import BY_LINK
from .filtering_csv import MAX_BYTES
from .models import (
    Audience,
    CourseFor,
    CourseKind,
    FilterCategory,
    FilterCheckKind,
    Level,
    Post,
)
from .self_review import ACTION_MAX_CHARACTERS, ASPECTS, COMMENTARY_MAX_CHARACTERS, LEVELS
from .training import TrainingStatus


class GivePostForm(Form):
    post = forms.ChoiceField(label="Post", choices=Post.choices, widget=Choices)
    user = PeopleField(kind="staff", label="Member of staff")

    def __init__(self, *args: Any, staff: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_people(self, "user", staff)


class PublishAupForm(Form):
    audience = forms.ChoiceField(label="Who it is for", choices=Audience.choices, widget=Choices)
    title = forms.CharField(label="Title", max_length=200)
    text = forms.CharField(
        label="The agreement",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="The whole text people agree to. Publishing it asks everyone it is for to "
        "sign it again; earlier versions and their signatures are kept.",
    )


class SignAupForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    agreed = forms.BooleanField(
        label="I have read this agreement and I agree to it",
        error_messages={"required": "Tick this to agree; you can use Chaperon once you have."},
    )


class AskByLinkForm(Form):
    audience = forms.ChoiceField(choices=[(value, value) for value in BY_LINK])


class SignByLinkForm(Form):
    signed_name = forms.CharField(
        label="Your full name",
        max_length=200,
        help_text="Typing your name signs the agreement.",
        error_messages={"required": "Type your full name to sign."},
    )
    agreed = forms.BooleanField(
        label="I have read this agreement and I agree to it",
        error_messages={"required": "Tick this to agree."},
    )


class FilterReportUploadForm(Form):
    file_name = ""
    file = forms.FileField(
        label="Report file (CSV)",
        help_text="Saved as CSV UTF-8, with the column names on its first line.",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> str:
        """The file's text: refused when it is too large or not UTF-8 CSV."""
        upload: UploadedFile = self.cleaned_data["file"]
        self.file_name = upload.name or ""
        if upload.size is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; the largest accepted is "
                f"{filesizeformat(MAX_BYTES)}. Split it into smaller files (by week, for "
                "example), each starting with the line of column names."
            )
        try:
            return decode_csv(upload.read(MAX_BYTES + 1))
        except UnreadableFile as error:
            raise forms.ValidationError(str(error)) from None


class FilterEntriesForm(Form):
    """The filters of a report's entries (sent with GET)."""

    serious = forms.BooleanField(label="Serious only", required=False)
    category = forms.ChoiceField(
        label="Category", choices=[("", "Every category"), *FilterCategory.choices], required=False
    )


class FilterCheckForm(Form):
    kind = forms.ChoiceField(
        label="What did you do?", choices=FilterCheckKind.choices, widget=Choices
    )
    checked_on = forms.DateField(label="On", widget=IsoDateInput)
    note = forms.CharField(
        label="What you looked at and what you found",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class TrainingCompletionForm(Form):
    course = forms.TypedChoiceField(label="Course", coerce=int, choices=[], widget=Choices)
    user = PeopleField(kind="staff", label="Member of staff")
    completed_on = forms.DateField(label="Completed on", widget=IsoDateInput)
    certificate = forms.CharField(
        label="Certificate (optional)",
        max_length=200,
        required=False,
        help_text="Its number, or where the paper certificate is kept.",
    )
    certificate_file = forms.FileField(
        label="Certificate file (optional)",
        required=False,
        help_text="A PDF or an image (PNG, JPEG or WebP) of the certificate, up to 5 MB.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.png,.jpg,.jpeg,.webp,application/pdf,image/*"}
        ),
    )
    note = forms.CharField(
        label="Note (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        staff: QuerySet[User],
        courses: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = courses  # type: ignore[attr-defined]
        offer_people(self, "user", staff)


class TrainingCourseForm(Form):
    name = forms.CharField(label="Name", max_length=200)
    kind = forms.ChoiceField(label="Kind", choices=CourseKind.choices, widget=Choices)
    valid_months = forms.IntegerField(
        label="Valid for (months)",
        min_value=0,
        max_value=120,
        help_text="How long a completion stays valid; 0 if it never expires, as induction.",
    )
    required_of = forms.ChoiceField(
        label="Who must take it", choices=CourseFor.choices, widget=Choices
    )


class TrainingFiltersForm(Form):
    """The filters of the training register (sent with GET)."""

    course = forms.TypedChoiceField(
        label="Course", coerce=int, choices=[], required=False, empty_value=None
    )
    status = forms.ChoiceField(
        label="Status", choices=[("", "Any status"), *TrainingStatus.choices], required=False
    )

    def __init__(self, *args: Any, courses: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = [("", "Every course"), *courses]  # type: ignore[attr-defined]


class BoardNarrativeForm(Form):
    narrative = forms.CharField(
        label="The narrative for the board",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10000,
        required=False,
        help_text=(
            "What the figures mean, what was done and what is planned. Name no child: "
            "the report goes to governors or trustees."
        ),
    )


def _staff_choices(staff: QuerySet[User]) -> list[tuple[str, str]]:
    return [("", "Choose a member of staff")] + [
        (str(user.pk), user.full_name) for user in staff.order_by("full_name")
    ]


class _OwnedForm(Form):
    owner = forms.TypedChoiceField(label="Owner", coerce=int, choices=[])

    def __init__(self, *args: Any, staff: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staff = staff
        self.fields["owner"].choices = _staff_choices(staff)  # type: ignore[attr-defined]

    def owner_user(self) -> User | None:
        return self.staff.filter(pk=self.cleaned_data["owner"]).first()


class ReviewRiskForm(_OwnedForm):
    prefix = "risk"
    risk = forms.CharField(label="Risk", max_length=300)
    likelihood = forms.TypedChoiceField(label="Likelihood", coerce=int, choices=Level.choices)
    impact = forms.TypedChoiceField(label="Impact", coerce=int, choices=Level.choices)
    controls = forms.CharField(
        label="Controls in place", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    review_on = forms.DateField(label="Review by", widget=IsoDateInput)
    field_order = ["risk", "likelihood", "impact", "controls", "owner", "review_on"]


class ReviewActionForm(_OwnedForm):
    prefix = "action"
    action = forms.CharField(label="Action", max_length=300)
    due_on = forms.DateField(label="Due by", widget=IsoDateInput)
    field_order = ["action", "owner", "due_on"]


class ReviewFindingsForm(Form):
    findings = forms.CharField(
        label="The DSL's findings",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        required=False,
        help_text="What the year's figures and the risk assessment show. Name no child.",
    )


class ReviewStartForm(Form):
    year = forms.TypedChoiceField(label="School year", coerce=int, choices=[])

    def __init__(self, *args: Any, years: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = years  # type: ignore[attr-defined]


class SelfReviewForm(Form):
    """Every aspect of the self-review: its level and a commentary."""

    reviewed_on = forms.DateField(label="Reviewed on", widget=IsoDateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for aspect in ASPECTS:
            self.fields[f"{aspect.key}_level"] = forms.TypedChoiceField(
                label=f"Level: {aspect.title}",
                coerce=int,
                choices=[("", "Choose a level"), *LEVELS.items()],
                help_text=aspect.question,
            )
            self.fields[f"{aspect.key}_commentary"] = forms.CharField(
                label=f"Commentary and evidence: {aspect.title}",
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=COMMENTARY_MAX_CHARACTERS,
                required=False,
            )

    def ratings(self) -> dict[str, tuple[int | None, str]]:
        data = self.cleaned_data
        return {
            aspect.key: (data.get(f"{aspect.key}_level"), data.get(f"{aspect.key}_commentary", ""))
            for aspect in ASPECTS
        }


class SelfReviewActionForm(Form):
    """An action of the self-review's plan: the aspect, what, who owns it (searched) and when."""

    aspect = forms.ChoiceField(
        label="Aspect", choices=[("", "Choose the aspect"), *((a.key, a.title) for a in ASPECTS)]
    )
    action = forms.CharField(label="Action", max_length=ACTION_MAX_CHARACTERS)
    owner = PeopleField(kind="staff", label="Owner")
    due_on = forms.DateField(label="Due by", widget=IsoDateInput)

    def __init__(self, *args: Any, staff: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_people(self, "owner", staff)


class BoardMeetingForm(Form):
    meets_on = forms.DateField(label="The board meets on", widget=IsoDateInput)


class TrainingCourseRenameForm(Form):
    name = forms.CharField(label="New name", max_length=200)

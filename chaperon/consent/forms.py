"""Forms of the consent pages. They parse and shape input; the services decide."""

from collections.abc import Sequence
from datetime import date
from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile

from chaperon.core import forms as core_forms
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.forms import Boxes, Choices, Form, IsoDateInput
from chaperon.people.models import Guardian

from . import conf
from .attachments import EvidenceFile, evidence_file
from .models import WRITTEN_CHANNELS, Answer, Channel, Purpose
from .services.answers import check_slots
from .slots import DAY_NAMES, DAYS
from .texts import PURPOSE_DESCRIPTIONS

SLOT_ROWS = 2
ANSWER_CHOICES = [
    (Answer.GIVEN.value, "Yes, I agree"),
    (Answer.DECLINED.value, "No, I do not agree"),
]
DAY_CHOICES = [(day, DAY_NAMES[day]) for day in DAYS]


class TimeInput(forms.TextInput):
    input_type = "time"


def show_errors(form: forms.Form, error: ValidationFailed) -> None:
    """Put a service's refusal on the form, a slot's problem on that slot's days."""
    core_forms.show_errors(
        form,
        error,
        field_for=lambda field: f"{field}_days" if f"{field}_days" in form.fields else field,
    )


def _add_slot_fields(form: forms.Form, *, required_hint: str) -> None:
    for number in range(1, SLOT_ROWS + 1):
        extra = "" if number == 1 else " (another, if you like)"
        form.fields[f"slot{number}_days"] = forms.MultipleChoiceField(
            label=f"Days{extra}",
            choices=DAY_CHOICES,
            widget=Boxes,
            required=False,
            help_text=required_hint if number == 1 else "",
        )
        form.fields[f"slot{number}_from"] = forms.CharField(
            label=f"From{extra}", required=False, widget=TimeInput
        )
        form.fields[f"slot{number}_to"] = forms.CharField(
            label=f"Until{extra}", required=False, widget=TimeInput
        )


def _slots_from(data: dict[str, Any]) -> list[dict[str, object]]:
    slots = []
    for number in range(1, SLOT_ROWS + 1):
        days = data.get(f"slot{number}_days") or []
        start = (data.get(f"slot{number}_from") or "").strip()
        end = (data.get(f"slot{number}_to") or "").strip()
        if days or start or end:
            slots.append({"days": list(days), "from": start, "to": end})
    return slots


def _check_slots_now(form: forms.Form, data: dict[str, Any]) -> None:
    """Show a problem with the days and times alongside every other problem of the form."""
    if data.get(Purpose.LIVE_ONE_TO_ONE) != Answer.GIVEN:
        return
    try:
        check_slots({Purpose.LIVE_ONE_TO_ONE: Answer.GIVEN}, _slots_from(data))
    except ValidationFailed as error:
        show_errors(form, error)


class AnswerForm(Form):
    """Agree or decline each purpose asked, the days and times for 1:1 sessions, and a
    signature (the typed name). ``expected_latest`` notices a form sent twice."""

    expected_latest = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, purposes: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.purposes = [p for p in Purpose.values if p in purposes]
        for purpose in self.purposes:
            self.fields[purpose] = forms.ChoiceField(
                label=str(Purpose(purpose).label),
                help_text=PURPOSE_DESCRIPTIONS[purpose],
                choices=ANSWER_CHOICES,
                widget=Choices,
                error_messages={"required": "Choose yes or no."},
            )
        if Purpose.LIVE_ONE_TO_ONE in self.purposes:
            _add_slot_fields(self, required_hint="Needed only if you agree to 1:1 sessions.")
        self.fields["signed_name"] = forms.CharField(
            label="Your full name",
            help_text="Typing your name here is your signature.",
            max_length=200,
            error_messages={"required": "Type your full name: it is your signature."},
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_slots_now(self, data)
        return data

    def answers(self) -> dict[str, str]:
        return {purpose: self.cleaned_data[purpose] for purpose in self.purposes}

    def slots(self) -> list[dict[str, object]]:
        return _slots_from(self.cleaned_data)

    @property
    def purpose_fields(self) -> list[forms.BoundField]:
        return [self[purpose] for purpose in self.purposes]

    @property
    def slot_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        if Purpose.LIVE_ONE_TO_ONE not in self.purposes:
            return []
        return [
            (self[f"slot{n}_days"], self[f"slot{n}_from"], self[f"slot{n}_to"])
            for n in range(1, SLOT_ROWS + 1)
        ]


class LinkWithdrawForm(Form):
    purposes = forms.MultipleChoiceField(
        label="What do you withdraw consent for?",
        widget=Boxes,
        error_messages={"required": "Choose at least one."},
    )
    signed_name = forms.CharField(
        label="Your full name",
        help_text="Typing your name here is your signature.",
        max_length=200,
        error_messages={"required": "Type your full name: it is your signature."},
    )
    reason = forms.CharField(
        label="Anything you want to tell us (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    expected_latest = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, given: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.MultipleChoiceField, self.fields["purposes"])
        field.choices = [(p, Purpose(p).label) for p in given]


def read_attachment(upload: UploadedFile | None, *, required: bool) -> EvidenceFile | None:
    if upload is None:
        if required:
            raise forms.ValidationError("Choose the file to attach.")
        return None
    limit = conf.attachment_max_bytes()
    try:
        return evidence_file(name=upload.name or "evidence", content=upload.read(limit + 1))
    except ValidationFailed as error:
        raise forms.ValidationError(next(iter(error.errors.values()))) from None


def attachment_field(label: str, *, required: bool = True) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=required,
        help_text="A PDF or a photo (PNG, JPEG or WebP) of up to "
        f"{conf.attachment_max_bytes() // (1024 * 1024)} MB.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.png,.jpg,.jpeg,.webp,application/pdf,image/*"}
        ),
    )


class SendRequestForm(Form):
    purposes = forms.MultipleChoiceField(
        label="What to ask for",
        choices=Purpose.choices,
        widget=Boxes,
        initial=Purpose.values,
        error_messages={"required": "Choose at least one thing to ask for."},
    )
    guardians = forms.TypedMultipleChoiceField(
        label="Who to ask", coerce=int, widget=Boxes, required=False
    )
    learner_email = forms.EmailField(
        label="The learner's own email address",
        required=False,
        help_text="An adult learner answers for themself.",
    )
    reason = forms.CharField(label="Note for the record (optional)", required=False, max_length=500)

    def __init__(
        self,
        *args: Any,
        guardians: Sequence[Guardian],
        learner_answers: bool,
        learner_email: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.learner_answers = learner_answers
        if learner_answers:
            del self.fields["guardians"]
            self.fields["learner_email"].required = True
            self.fields["learner_email"].initial = learner_email
        else:
            del self.fields["learner_email"]
            field = cast(forms.TypedMultipleChoiceField, self.fields["guardians"])
            field.choices = [
                (g.pk, f"{g.full_name} ({g.email or 'no email address'})") for g in guardians
            ]
            field.initial = [g.pk for g in guardians]
            field.required = True
            field.error_messages["required"] = "Choose at least one person to ask."


class BulkSendForm(Form):
    year_group = forms.CharField(widget=forms.HiddenInput)
    learners = forms.TypedMultipleChoiceField(
        label="Learners to ask",
        coerce=int,
        widget=Boxes,
        error_messages={"required": "Choose at least one learner."},
    )
    purposes = SendRequestForm.base_fields["purposes"]

    def __init__(self, *args: Any, learners: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedMultipleChoiceField, self.fields["learners"])
        field.choices = list(learners)


class RecordConsentForm(Form):
    answered_by = forms.ChoiceField(label="Who gave it", widget=Choices)
    answered_by_name = forms.CharField(label="Their name, as written or signed", max_length=200)
    channel = forms.ChoiceField(
        label="How it reached you",
        choices=[(c.value, c.label) for c in Channel if c in WRITTEN_CHANNELS],
        widget=Choices,
    )
    given_on = forms.DateField(label="The day it was given", widget=IsoDateInput())
    request = forms.TypedChoiceField(
        label="The request it answers", coerce=int, required=False, empty_value=None
    )
    attachment = attachment_field("The form, email or message, as a file")
    reason = forms.CharField(label="Note for the record (optional)", required=False, max_length=500)

    def __init__(
        self,
        *args: Any,
        guardians: Sequence[Guardian],
        learner_answers: bool,
        open_requests: Sequence[tuple[int, str]],
        today: date,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        who = cast(forms.ChoiceField, self.fields["answered_by"])
        who.choices = [("learner", "The learner themself")] if learner_answers else []
        who.choices += [(str(g.pk), g.full_name) for g in guardians]
        request = cast(forms.TypedChoiceField, self.fields["request"])
        request.choices = [("", "None: it was not asked for by email"), *open_requests]
        self.fields["given_on"].initial = today
        for purpose in Purpose.values:
            self.fields[purpose] = forms.ChoiceField(
                label=str(Purpose(purpose).label),
                choices=[
                    ("", "Not answered"),
                    (Answer.GIVEN.value, "Given"),
                    (Answer.DECLINED.value, "Declined"),
                ],
                widget=Choices,
                required=False,
                initial="",
            )
        _add_slot_fields(self, required_hint="Needed if 1:1 sessions are agreed.")

    def clean_attachment(self) -> EvidenceFile | None:
        return read_attachment(self.cleaned_data.get("attachment"), required=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_slots_now(self, data)
        return data

    def guardian_id(self) -> int | None:
        value = self.cleaned_data["answered_by"]
        return None if value == "learner" else int(value)

    def answers(self) -> dict[str, str]:
        return {p: self.cleaned_data[p] for p in Purpose.values if self.cleaned_data.get(p)}

    def slots(self) -> list[dict[str, object]]:
        return _slots_from(self.cleaned_data)

    @property
    def purpose_fields(self) -> list[forms.BoundField]:
        return [self[purpose] for purpose in Purpose.values]

    @property
    def slot_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"slot{n}_days"], self[f"slot{n}_from"], self[f"slot{n}_to"])
            for n in range(1, SLOT_ROWS + 1)
        ]


WITHDRAWAL_CHANNELS = [
    (c.value, c.label) for c in Channel if c not in (Channel.ONLINE, Channel.STAFF_PORTAL)
]


class StaffWithdrawForm(Form):
    purposes = forms.MultipleChoiceField(
        label="Withdraw consent for",
        widget=Boxes,
        error_messages={"required": "Choose at least one."},
    )
    withdrawn_by_name = forms.CharField(label="Who withdrew it", max_length=200)
    guardian = forms.TypedChoiceField(
        label="Tell this parent or carer by email", coerce=int, required=False, empty_value=None
    )
    channel = forms.ChoiceField(
        label="How it reached you", choices=WITHDRAWAL_CHANNELS, widget=Choices
    )
    reason = forms.CharField(
        label="What was said", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args: Any, given: Sequence[str], guardians: Sequence[Guardian], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        purposes = cast(forms.MultipleChoiceField, self.fields["purposes"])
        purposes.choices = [(p, Purpose(p).label) for p in given]
        guardian = cast(forms.TypedChoiceField, self.fields["guardian"])
        guardian.choices = [("", "Nobody"), *[(g.pk, g.full_name) for g in guardians if g.email]]


class OwnRecordingForm(Form):
    recorded_by_name = forms.CharField(label="Who records the sessions", max_length=200)
    purpose = forms.CharField(
        label="What the recording is for", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    agreed_on = forms.DateField(label="Day of the agreement", widget=IsoDateInput())
    kept_until = forms.DateField(label="Kept until", widget=IsoDateInput())
    attachment = attachment_field("The signed agreement, as a file")

    def clean_attachment(self) -> EvidenceFile | None:
        return read_attachment(self.cleaned_data.get("attachment"), required=True)


class StaffConsentForm(Form):
    answer = forms.ChoiceField(
        label="Do you consent to being recorded in live sessions?",
        choices=[(Answer.GIVEN.value, "Yes, I consent"), (Answer.DECLINED.value, "No")],
        widget=Choices,
    )
    employer_name = forms.CharField(
        label="Your employer, if you are contracted through another organisation (optional)",
        help_text="For example a tutoring agency. Your employer must consent in writing too.",
        required=False,
        max_length=200,
    )


class EmployerConsentForm(Form):
    employer_name = forms.CharField(label="Employer", max_length=200)
    answer = forms.ChoiceField(
        label="Does the employer consent to recording?",
        choices=[(Answer.GIVEN.value, "Yes"), (Answer.DECLINED.value, "No")],
        widget=Choices,
    )
    attachment = attachment_field("The employer's written answer, as a file", required=False)
    reason = forms.CharField(label="Note for the record (optional)", required=False, max_length=500)

    def clean_attachment(self) -> EvidenceFile | None:
        return read_attachment(self.cleaned_data.get("attachment"), required=False)


class StatementForm(Form):
    intro = forms.CharField(
        label="Opening of the statement", widget=forms.Textarea(attrs={"rows": 8})
    )
    parent_information = forms.CharField(
        label="Information for parents and carers (SES-8)",
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    what_is_recorded = forms.CharField(
        label="What is recorded", widget=forms.Textarea(attrs={"rows": 2})
    )
    why_recorded = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 2}))
    where_kept = forms.CharField(
        label="Where recordings are kept", widget=forms.Textarea(attrs={"rows": 2})
    )
    retention_days = forms.IntegerField(
        label="Days a recording is kept", min_value=1, max_value=3650
    )
    who_may_see = forms.CharField(
        label="Who may see recordings, and how", widget=forms.Textarea(attrs={"rows": 2})
    )
    how_destroyed = forms.CharField(
        label="How recordings are destroyed", widget=forms.Textarea(attrs={"rows": 2})
    )
    consent_valid_months = forms.IntegerField(
        label="Months consent lasts", min_value=1, max_value=60
    )
    expiry_warning_days = forms.IntegerField(
        label="Show consent as expiring this many days before it ends", min_value=1, max_value=365
    )
    reminder_interval_days = forms.IntegerField(
        label="Days between reminders for unanswered requests", min_value=1, max_value=60
    )
    controller_contact = forms.CharField(
        label="Contact named on consent receipts", required=False, max_length=200
    )
    controller_email = forms.EmailField(label="Email on consent receipts", required=False)
    controller_phone = forms.CharField(
        label="Phone on consent receipts", required=False, max_length=32
    )
    controller_address = forms.CharField(
        label="Address on consent receipts",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(label="Why it changes (optional)", required=False, max_length=500)

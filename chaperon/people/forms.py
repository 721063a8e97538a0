from typing import Any

from django import forms
from django.db.models import QuerySet

from chaperon.core.forms import Boxes, Choices, Form, ModelForm
from chaperon.core.validators import single_line

from .models import (
    ORGANISATION_SETTINGS,
    WEEKDAY_NAMES,
    ContactMethod,
    DbsType,
    Organisation,
    Relationship,
    Site,
)
from .roles import Role


class OrganisationSettingsForm(ModelForm):
    working_days = forms.MultipleChoiceField(
        label="Working days",
        choices=[(str(number), name) for number, name in enumerate(WEEKDAY_NAMES, start=1)],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Organisation
        fields = list(ORGANISATION_SETTINGS)
        labels = {
            "name": "Organisation name",
            "time_zone": "Time zone",
            "working_hours_start": "Working day starts",
            "working_hours_end": "Working day ends",
            "senior_leadership_email": "Senior leadership team email address",
            "safeguarding_contacts": "Safeguarding contacts to publish",
            "compliance_warning_days": "Warn this many days before a DBS check, training or "
            "agreement expires",
            "dbs_valid_years": "A DBS check is valid for (years)",
            "training_valid_years": "Safeguarding training is valid for (years)",
            "aup_valid_years": "An acceptable use agreement is valid for (years)",
            "meeting_record_retention_years": "Keep meeting records for (years after the session)",
        }
        widgets = {
            "working_hours_start": forms.TimeInput(attrs={"type": "time"}),
            "working_hours_end": forms.TimeInput(attrs={"type": "time"}),
            "safeguarding_contacts": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if self.instance and self.instance.pk:
            self.initial["working_days"] = list(self.instance.working_days)
        retention = self.fields["meeting_record_retention_years"]
        retention.required = False
        retention.help_text = (
            "Meeting records are destroyed this many years after their session, 1 to 30 "
            "(LOG-2). Use the period in your records retention schedule."
        )

    def clean_meeting_record_retention_years(self) -> int:
        # Left out of a form sent by an older page: keep the current period.
        years = self.cleaned_data.get("meeting_record_retention_years")
        return self.instance.meeting_record_retention_years if years is None else int(years)

    def clean_working_days(self) -> str:
        return "".join(sorted(self.cleaned_data["working_days"]))


class SiteForm(ModelForm):
    class Meta:
        model = Site
        fields = ["name", "address"]
        labels = {"name": "Site name", "address": "Address"}
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}


# Forms for the people services. Plain forms, not model forms: the services validate the
# records, and their refusals are shown on these fields by ``core.forms.show_errors``.


def _text(label: str, max_length: int, *, required: bool = True, **options: Any) -> forms.Field:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        validators=[single_line],
        error_messages={"required": f"Give the {label.lower()}."},
        **options,
    )


def _date(label: str, *, required: bool = False, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": f"Give the {label.lower()}.",
            "invalid": "Give a date such as 17/05/2012.",
        },
    )


class StaffChecksForm(Form):
    """The compliance facts of one member of staff (SES-10, ORG-2, ORG-3)."""

    dbs_checked_on = _date(
        "Date of the DBS certificate", help_text="Leave empty if no check is recorded."
    )
    dbs_type = forms.ChoiceField(
        label="Type of DBS check",
        required=False,
        choices=[("", "Not recorded"), *DbsType.choices],
    )
    safeguarding_training_on = _date("Date safeguarding training was last completed")
    aup_signed_on = _date("Date the acceptable use agreement was signed")
    date_of_birth = _date(
        "Date of birth",
        help_text="Optional. Used only to keep the record of any allegation about them until "
        "their normal retirement age, as Keeping children safe in education asks.",
    )


class StaffRolesForm(Form):
    roles = forms.MultipleChoiceField(
        label="Roles",
        choices=Role.choices,
        widget=Boxes,
        help_text="Only the DSL or a deputy DSL gives or removes the roles of DSL, deputy DSL "
        "and senior leader. Nobody changes their own roles.",
    )


class LeftForm(Form):
    """Marking someone as left: their last day, and a tick that says what it does
    (``consequences``, which differ for staff and learners)."""

    left_on = _date("Their last day", required=True, help_text="Today, or a day that has passed.")
    understood = forms.BooleanField(
        error_messages={"required": "Tick this to confirm what marking them as left does."},
    )

    def __init__(self, *args: Any, consequences: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["understood"].label = f"I understand: {consequences}"


STAFF_LEAVING = (
    "their sign-in and API tokens stop at once, the sessions they organise are cancelled "
    "(everyone invited is told) and they are taken off the sessions they were to join; their "
    "records are kept"
)
LEARNER_LEAVING = (
    "nobody can book them again, the sessions that were theirs alone are cancelled (everyone "
    "invited is told) and they are taken off the others; their records are kept"
)


class LearnerForm(Form):
    first_name = _text("First name", 100, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    last_name = _text("Last name", 100, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    date_of_birth = _date("Date of birth", required=True)
    year_group = _text("Year or group", 50, required=False, help_text="For example Year 7 or 10B.")
    tutor_group = _text(
        "Tutor group", 50, required=False, help_text="The registration group, for example 7B."
    )
    adult_at_risk = forms.BooleanField(label="An adult at risk", required=False)
    email = forms.EmailField(
        label="The learner's own email address",
        required=False,
        help_text="Only where the organisation gives learners one: invitations go to it.",
    )
    site = forms.ModelChoiceField(
        label="Site", queryset=Site.objects.none(), required=False, empty_label="None"
    )
    external_id = _text(
        "MIS id", 64, required=False, help_text="The id your management information system uses."
    )

    def __init__(self, *args: Any, sites: QuerySet[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site = self.fields["site"]
        if isinstance(site, forms.ModelChoiceField):
            site.queryset = sites


class GuardianForm(Form):
    full_name = _text("Full name", 200)
    email = forms.EmailField(label="Email address", required=False)
    phone = _text("Phone number", 32, required=False)
    preferred_contact = forms.ChoiceField(
        label="Preferred way to contact them",
        choices=ContactMethod.choices,
        initial=ContactMethod.EMAIL,
        widget=Choices,
    )
    external_id = _text("MIS id", 64, required=False)


class RelationshipForm(Form):
    relationship = forms.ChoiceField(
        label="Relationship to the learner",
        choices=[("", "Choose one"), *Relationship.choices],
        error_messages={"required": "Choose how they are related to the learner."},
    )
    parental_responsibility = forms.BooleanField(
        label="Has parental responsibility for the learner", required=False
    )


class NewGuardianForm(GuardianForm, RelationshipForm):
    """A new parent or carer and how they are related to the learner whose page it is."""

    field_order = [*GuardianForm.base_fields, *RelationshipForm.base_fields]


class GuardianSearchForm(Form):
    q = _text("Name, email address or MIS id", 100, required=False)

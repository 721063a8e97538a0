from django import forms

from .models import WEEKDAY_NAMES, Organisation, Site
from .selectors import learner_search_problem


class OrganisationSettingsForm(forms.ModelForm):
    working_days = forms.MultipleChoiceField(
        label="Working days",
        choices=[(str(number), name) for number, name in enumerate(WEEKDAY_NAMES, start=1)],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "time_zone",
            "working_days",
            "working_hours_start",
            "working_hours_end",
            "senior_leadership_email",
            "safeguarding_contacts",
            "compliance_warning_days",
            "dbs_valid_years",
            "training_valid_years",
            "aup_valid_years",
            "meeting_record_retention_years",
        ]
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


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = ["name", "address"]
        labels = {"name": "Site name", "address": "Address"}
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}


class LearnerFilterForm(forms.Form):
    q = forms.CharField(label="Search by name or id", required=False)
    year_group = forms.ChoiceField(label="Year or group", required=False)

    def __init__(self, *args: object, year_groups: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["year_group"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [("", "All"), *[(group, group) for group in year_groups]]

    def clean_q(self) -> str:
        search: str = self.cleaned_data["q"]
        problem = learner_search_problem(search)
        if problem is not None:
            raise forms.ValidationError(f"Your search {problem}.")
        return search

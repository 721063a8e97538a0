from django import forms

from chaperon.core.forms import Form
from chaperon.core.pure.retention import SCHEDULE


class PeriodForm(Form):
    kind = forms.ChoiceField(
        label="Kind of record",
        choices=[(entry.kind.value, entry.label) for entry in SCHEDULE if entry.adjustable],
    )
    years = forms.IntegerField(label="Years", min_value=1, max_value=100)
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed, and shown on this page, when the period is shorter than the schedule's.",
    )


class HoldForm(Form):
    reason = forms.CharField(
        label="Why these records must be kept", widget=forms.Textarea(attrs={"rows": 2})
    )


class ReleaseForm(Form):
    release_reason = forms.CharField(
        label="Why the hold is no longer needed", widget=forms.Textarea(attrs={"rows": 2})
    )


class KeepForm(Form):
    keep_until = forms.DateField(label="Keep until", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 2}))


class DestroyForm(Form):
    confirm = forms.BooleanField(
        label="I have reviewed these records and confirm they are to be destroyed",
    )

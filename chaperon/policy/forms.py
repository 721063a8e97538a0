"""The policy editor's form and the platform register's."""

from typing import Any

from django import forms

from chaperon.core.forms import Form, IsoDateInput, ModelForm

from .models import ApprovedPlatform


class PolicyForm(Form):
    text = forms.CharField(
        label="Policy document (YAML)",
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
    )


PLATFORM_SETTINGS = {
    "waiting_room": "Waiting room on: the host admits each person",
    "passcode": "A passcode is needed to enter",
    "host_video": "Host video on",
    "participant_video": "Participant video on",
    "participant_screen_share": "Participants can share their screen",
    "participant_rename": "Participants can rename themselves",
    "lock_when_all_arrived": "The meeting is locked once everyone has arrived",
}


class PlatformForm(ModelForm):
    """A platform for the register, with the settings the organisation's account enforces."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in PLATFORM_SETTINGS.items():
            self.fields[name] = forms.BooleanField(label=label, required=False)

    def platform_settings(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data.get(name)) for name in PLATFORM_SETTINGS}

    class Meta:
        model = ApprovedPlatform
        fields = ["key", "name", "risk_assessed_on", "risk_assessment", "organisation_account"]
        labels = {
            "key": "Short name used in the policy (for example zoom)",
            "risk_assessed_on": "Date of the risk assessment",
            "risk_assessment": "Risk assessment: suitability for the age group and its settings",
            "organisation_account": "Used only through the organisation's own account",
        }
        widgets = {
            "risk_assessed_on": IsoDateInput(),
            "risk_assessment": forms.Textarea(attrs={"rows": 4}),
        }

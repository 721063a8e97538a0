"""The pre-call check's form (SES-14): the checklist a member of staff confirms, and what their
browser found, which the page's script fills in."""

from django import forms

from chaperon.core.forms import Form
from chaperon.sessions.attendance import PreCallResults
from chaperon.sessions.models import PreCallCheck


class PreCallForm(Form):
    not_bedroom = forms.BooleanField(
        label="I am not in a bedroom",
        error_messages={"required": "Confirm that you are not in a bedroom, or move first"},
    )
    background_appropriate = forms.BooleanField(
        label="What is behind me is appropriate: nothing personal, nothing I would not show "
        "a learner",
        error_messages={"required": "Confirm that what is behind you is appropriate"},
    )
    applications_closed = forms.BooleanField(
        label="Other applications are closed (email, messages, other browser tabs)",
        error_messages={"required": "Confirm that other applications are closed"},
    )
    # Filled in by the page's script from what it found; "no" unless it found it working.
    camera = forms.BooleanField(required=False, widget=forms.HiddenInput)
    microphone = forms.BooleanField(required=False, widget=forms.HiddenInput)
    signalling = forms.BooleanField(required=False, widget=forms.HiddenInput)
    relay = forms.ChoiceField(
        choices=PreCallCheck.Relay.choices,
        initial=PreCallCheck.Relay.FAILED,
        widget=forms.HiddenInput,
    )
    # Background blur: "on", "off" (offered, not chosen) or "unavailable", as when not sent.
    blur = forms.ChoiceField(
        choices=PreCallCheck.Blur.choices,
        initial=PreCallCheck.Blur.UNAVAILABLE,
        required=False,
        widget=forms.HiddenInput,
    )

    def results(self) -> PreCallResults:
        data = self.cleaned_data
        return PreCallResults(
            camera=data["camera"],
            microphone=data["microphone"],
            signalling=data["signalling"],
            relay=data["relay"],
            blur=data["blur"] or PreCallCheck.Blur.UNAVAILABLE,
            not_bedroom=data["not_bedroom"],
            background_appropriate=data["background_appropriate"],
            applications_closed=data["applications_closed"],
        )

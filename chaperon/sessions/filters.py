"""The sessions list's search and filters (GET)."""

from django import forms

from chaperon.core.forms import Form, IsoDateInput

from .models import SessionKind
from .selectors import SESSION_SEARCH_MAX_CHARACTERS, SessionFilters


class SessionFilterForm(Form):
    organiser = forms.CharField(
        label="Organiser",
        required=False,
        max_length=SESSION_SEARCH_MAX_CHARACTERS,
        help_text="Part of their name.",
    )
    kind = forms.ChoiceField(
        label="Kind", choices=[("", "Any"), *SessionKind.choices], required=False
    )
    start_from = forms.DateField(label="From", required=False, widget=IsoDateInput())
    start_to = forms.DateField(label="Until", required=False, widget=IsoDateInput())
    flagged = forms.BooleanField(label="No longer allowed only", required=False)
    include_past = forms.BooleanField(
        label="Ended, cancelled and refused too (newest first)", required=False
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start_from"), data.get("start_to")
        if start and end and end < start:
            self.add_error("start_to", "the end of the range comes before its start")
        return data

    def filters(self) -> SessionFilters:
        """What to show: the valid filters (an invalid form shows the upcoming sessions)."""
        if not self.is_valid():
            return SessionFilters()
        data = self.cleaned_data
        return SessionFilters(
            organiser=data["organiser"].strip(),
            kind=data["kind"],
            start_from=data["start_from"],
            start_to=data["start_to"],
            flagged=data["flagged"],
            include_past=data["include_past"],
        )

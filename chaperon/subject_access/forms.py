from typing import Any

from django import forms
from django.db.models import QuerySet

from chaperon.core.forms import Choices, Form, IsoDateInput
from chaperon.people.models import Guardian, Learner, User
from chaperon.people.pickers import PeopleField, offer_people

from .exemptions import Exemption
from .models import Decision

PERSON_FIELDS = ("learner", "guardian", "staff")


class StartForm(Form):
    """Whose request: one person, found by searching (never a list of everyone)."""

    learner = PeopleField(kind="learners", label="A learner", required=False)
    guardian = PeopleField(kind="guardians", label="Or a parent or carer", required=False)
    staff = PeopleField(kind="staff", label="Or a member of staff", required=False)
    received_on = forms.DateField(label="Received on", widget=IsoDateInput())
    requester_note = forms.CharField(
        label="Who asked, and how (a note for the record)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: by email from the learner's mother, identity checked in person.",
    )

    def __init__(
        self,
        *args: Any,
        learners: QuerySet[Learner],
        guardians: QuerySet[Guardian],
        staff: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        offer_people(self, "learner", learners)
        offer_people(self, "guardian", guardians)
        offer_people(self, "staff", staff)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [name for name in PERSON_FIELDS if data.get(name)]
        if len(chosen) != 1:
            self.add_error(
                "learner",
                "choose one person: a learner, a parent or carer, or a member of staff "
                "(search, then tick one)",
            )
        return data


class DecideForm(Form):
    decision = forms.ChoiceField(label="Decision", choices=Decision.choices, widget=Choices)
    exemption = forms.ChoiceField(
        label="Exemption (when withheld)",
        choices=[("", "None: disclosed"), *Exemption.choices],
        required=False,
    )
    reason = forms.CharField(label="Reason", max_length=2000)


class AddPartyForm(Form):
    name = forms.CharField(label="Name, as written in the export", max_length=200)
    aliases = forms.CharField(
        label="Other ways they are written (optional, separated by commas)",
        required=False,
        max_length=1000,
        help_text="A nickname or an email address, for example.",
    )


class ReleaseForm(Form):
    confirm = forms.BooleanField(
        label="I have reviewed every third party and release this export to the requester"
    )

"""The meeting record's form and its rows of actions (LOG-1)."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from chaperon.core.forms import Form, IsoDateInput
from chaperon.people.models import User
from chaperon.people.pickers import PeopleField, offer_people
from chaperon.sessions.models import Session

from .models import DeliveryMethod
from .selectors import approved_platform_names

ACTIONS_PREFIX = "actions"


class RecordForm(Form):
    method = forms.ChoiceField(
        label="How the session was delivered",
        choices=DeliveryMethod.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    platform_name = forms.ChoiceField(
        label="The approved platform used (only if another platform was used)", required=False
    )
    summary = forms.CharField(
        label="Summary of the discussion",
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text="What was discussed, any disclosure or worry (report those to the DSL too), "
        "and how the learner seemed.",
    )

    def __init__(self, *args: Any, session: Session, amending: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        platforms = [(name, name) for name in approved_platform_names(session)]
        field = self.fields["platform_name"]
        if platforms and isinstance(field, forms.ChoiceField):
            field.choices = [("", "Not used"), *platforms]
        else:
            del self.fields["platform_name"]
        if amending:
            self.fields["reason"] = forms.CharField(
                label="Why you are changing the record",
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                help_text="Kept with the change, with what the record said before.",
            )


class ActionForm(Form):
    description = forms.CharField(
        label="What is to be done", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    owner = PeopleField(
        kind="staff",
        label="Who will do it (a member of staff)",
        required=False,
        blank="Someone else (type their name below)",
    )
    owner_name = forms.CharField(
        label="Or the name of someone else", max_length=200, required=False
    )
    due_on = forms.DateField(label="Due by", widget=IsoDateInput(), required=False)

    def __init__(self, *args: Any, staff: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_people(self, "owner", staff)


ActionFormSet = forms.formset_factory(ActionForm, extra=0)

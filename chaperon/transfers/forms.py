from typing import Any

from django import forms

from chaperon.core.forms import Choices, Form
from chaperon.people.models import Learner, Organisation

NEW_LEARNER = "new"


class SearchForm(Form):
    q = forms.CharField(
        label="Find the new school on Chaperon",
        max_length=100,
        help_text="Part of its name or postcode (at least 3 letters).",
    )


class DirectForm(Form):
    receiving_organisation = forms.TypedChoiceField(
        label="The new school", coerce=int, widget=Choices
    )

    def __init__(self, *args: Any, schools: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["receiving_organisation"]
        field.choices = [  # type: ignore[attr-defined]  # a TypedChoiceField
            (school.pk, f"{school.name} ({school.postcode})" if school.postcode else school.name)
            for school in schools
        ]


class PackageForm(Form):
    receiving_school = forms.CharField(
        label="The new school's name",
        max_length=200,
        help_text="As the package's manifest should name it, for your records and theirs.",
    )


class AcceptForm(Form):
    learner = forms.ChoiceField(label="Whose file it joins here", widget=Choices)

    def __init__(self, *args: Any, candidates: list[Learner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["learner"]
        field.choices = [  # type: ignore[attr-defined]  # a ChoiceField
            *[
                (str(learner.pk), f"{learner.full_name}, born {learner.date_of_birth:%d %b %Y}")
                for learner in candidates
            ],
            (NEW_LEARNER, "Nobody here yet: add a new learner record from the file's details"),
        ]

    def learner_id(self) -> int | None:
        value = self.cleaned_data["learner"]
        return None if value == NEW_LEARNER else int(value)


class DeclineForm(Form):
    reason = forms.CharField(
        label="Why you decline it",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The sending school reads this.",
    )


class ReceiptForm(Form):
    received_by_name = forms.CharField(label="Who at the new school confirmed it", max_length=200)
    received_at = forms.DateTimeField(
        label="When they confirmed it",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    how = forms.CharField(
        label="How they confirmed it", max_length=200, help_text="A phone call, an email, a letter."
    )


class ImportForm(Form):
    package = forms.FileField(label="The package file")
    passphrase = forms.CharField(
        label="Passphrase",
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="As the sending school gave it to you, separately from the package.",
    )

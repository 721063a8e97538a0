from django import forms

from chaperon.core.forms import Form
from chaperon.people.roles import Permission, roles_an_organisation_chooses

from .services import CASE_REFERENCE_LENGTH


class PlayReasonForm(Form):
    reason = forms.CharField(
        label="Why do you need to watch this recording?",
        help_text="Kept in the audit log with your name and the time.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class HoldForm(Form):
    case_reference = forms.CharField(
        label="Concern reference",
        help_text="The reference of the safeguarding concern, such as SG-2026-0001.",
        max_length=CASE_REFERENCE_LENGTH,
    )
    reason = forms.CharField(
        label="Why is it needed as evidence?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class ReleaseForm(Form):
    reason = forms.CharField(
        label="Why is it no longer needed?",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class AccessForm(Form):
    roles = forms.MultipleChoiceField(
        label="Roles that may play recordings (the DSL always may)",
        choices=[
            (role.value, role.label)
            for role in roles_an_organisation_chooses(Permission.PLAY_RECORDINGS)
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm

from chaperon.core.forms import Form, OneLineInputs
from chaperon.core.validators import single_line
from chaperon.people.emails import normalise_email

from .selectors import users_who_may_set_a_password


class SignInForm(Form):
    email = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_email(self) -> str:
        # The account and its lockout are found by the one normal form of the address.
        return normalise_email(self.cleaned_data["email"])


class CodeForm(Form):
    code = forms.CharField(
        label="6-digit code from your authenticator app",
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
            }
        ),
    )


class TokenForm(Form):
    name = forms.CharField(
        label="What will use this token?",
        max_length=100,
        help_text="For example: the school's MIS sync.",
        validators=[single_line],
    )


class PasswordSetupForm(OneLineInputs, PasswordResetForm):
    """Django's reset form, also for staff who have never had a password (imported accounts).
    Nothing is sent to staff whose organisation has turned password sign-in off; the page
    that follows says the same as for an address nobody has, so that it does not tell who
    has an account."""

    def get_users(self, email: str) -> Iterator[Any]:
        return iter(users_who_may_set_a_password(normalise_email(email)))

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm

from chaperon.core.forms import Choices, Form, OneLineInputs
from chaperon.core.validators import single_line
from chaperon.people.emails import normalise_email

from .models import SingleSignOn, SsoProvider
from .selectors import users_who_may_set_a_password
from .services import SsoSettings


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


YES_NO = [("yes", "Yes"), ("no", "No")]
GOOGLE_ISSUER = "https://accounts.google.com"


def _yes(data: dict[str, Any], name: str) -> bool:
    return data[name] == "yes"


def entra_issuer(tenant_id: str) -> str:
    return f"https://login.microsoftonline.com/{tenant_id}/v2.0"


class SsoSettingsForm(Form):
    """The Single sign-on page: what ``chaperon sso set`` sets. Never the client secret."""

    provider = forms.ChoiceField(label="Provider", choices=SsoProvider.choices, widget=Choices)
    client_id = forms.CharField(
        label="Client (application) id",
        max_length=200,
        help_text="As registered at the provider for this Chaperon.",
    )
    tenant_id = forms.CharField(
        label="Tenant id (Entra ID)",
        max_length=100,
        required=False,
        help_text="The Directory (tenant) ID, a GUID. Only this tenant's accounts get in.",
    )
    email_domains = forms.CharField(
        label="Email domains",
        max_length=500,
        required=False,
        help_text="Comma-separated, for example harbourview.sch.example. Google Workspace: "
        "only accounts of these domains get in. Both: a first sign-in is matched to staff "
        "by an address in one of them.",
    )
    issuer = forms.CharField(
        label="Issuer URL",
        max_length=300,
        required=False,
        help_text=f"Leave empty for the usual one: {entra_issuer('<tenant id>')} for Entra "
        f"ID, {GOOGLE_ISSUER} for Google Workspace.",
    )
    accept_provider_mfa = forms.ChoiceField(
        label="Accept the provider's multi-factor sign-in in place of Chaperon's second factor?",
        choices=YES_NO,
        widget=Choices,
    )
    enabled = forms.ChoiceField(
        label="Sign-in with organisation accounts on?", choices=YES_NO, widget=Choices
    )
    password_sign_in = forms.ChoiceField(
        label="May staff also sign in with a Chaperon password?",
        choices=YES_NO,
        widget=Choices,
        help_text="No: staff sign in only with their organisation account, and cannot set a "
        "Chaperon password.",
    )

    @staticmethod
    def initial_of(config: SingleSignOn | None) -> dict[str, str]:
        if config is None:
            return {"accept_provider_mfa": "no", "enabled": "yes", "password_sign_in": "yes"}
        return {
            "provider": config.provider,
            "client_id": config.client_id,
            "tenant_id": config.tenant_id,
            "email_domains": config.email_domains,
            "issuer": config.issuer,
            **{
                name: "yes" if getattr(config, name) else "no"
                for name in ("accept_provider_mfa", "enabled", "password_sign_in")
            },
        }

    def wanted(self) -> SsoSettings:
        data = self.cleaned_data
        issuer = data["issuer"].strip()
        if not issuer and data["provider"] == SsoProvider.GOOGLE:
            issuer = GOOGLE_ISSUER
        if not issuer and data["provider"] == SsoProvider.ENTRA and data["tenant_id"].strip():
            issuer = entra_issuer(data["tenant_id"].strip())
        return SsoSettings(
            provider=data["provider"],
            issuer=issuer,
            client_id=data["client_id"].strip(),
            tenant_id=data["tenant_id"].strip(),
            email_domains=data["email_domains"].strip(),
            accept_provider_mfa=_yes(data, "accept_provider_mfa"),
            password_sign_in=_yes(data, "password_sign_in"),
            enabled=_yes(data, "enabled"),
        )

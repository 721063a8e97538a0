"""Sign-in protection, the second factor and API tokens. Every change is audited."""

from .lockout import (
    ADDRESS_LIMIT_FACTOR,
    SignInTry,
    account_key,
    sign_in_failed,
    sign_in_password_accepted,
    sign_in_succeeded,
    sign_in_try,
)
from .second_factor import (
    TOTP_ISSUER,
    TOTP_STEP_SECONDS,
    new_totp_secret,
    totp_check,
    totp_enroll,
    totp_provisioning_uri,
    totp_reset,
)
from .sso import (
    SsoMatch,
    SsoRefused,
    SsoSettings,
    sso_configure,
    sso_identify,
    sso_sign_in_refused,
)
from .tokens import api_token_create, api_token_revoke, api_token_user

__all__ = [
    "ADDRESS_LIMIT_FACTOR",
    "TOTP_ISSUER",
    "TOTP_STEP_SECONDS",
    "SignInTry",
    "SsoMatch",
    "SsoRefused",
    "SsoSettings",
    "account_key",
    "api_token_create",
    "api_token_revoke",
    "api_token_user",
    "new_totp_secret",
    "sign_in_failed",
    "sign_in_password_accepted",
    "sign_in_succeeded",
    "sign_in_try",
    "sso_configure",
    "sso_identify",
    "sso_sign_in_refused",
    "totp_check",
    "totp_enroll",
    "totp_provisioning_uri",
    "totp_reset",
]

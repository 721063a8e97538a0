"""Background blur for staff's cameras (SES-14): the page's list of the model's files (bundled:
``blur_bundle``), who sends their camera blurred, and the page policy that lets the model run."""

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.templatetags.static import static
from django.utils.csp import CSP

from chaperon.sessions.attendance import latest_pre_call_check
from chaperon.sessions.models import PreCallCheck

from .blur_bundle import FILES, VENDOR
from .permissions import Entrant


def blur_files() -> dict[str, str]:
    """Each file the page may load, by the name the solution asks for, and its static URL."""
    return {name: static(f"{VENDOR}/{name}") for name in FILES}


def chose_blur(entrant: Entrant) -> bool:
    """A member of staff whose latest pre-call check for the session turned blur on."""
    if entrant.user is None:
        return False
    check = latest_pre_call_check(session_id=entrant.session.pk, user_id=entrant.user.pk)
    return check is not None and check.blur == PreCallCheck.Blur.ON


def with_blur_allowed(response: HttpResponse) -> HttpResponse:
    """The page's Content-Security-Policy, letting its own scripts compile WebAssembly (the
    model's runtime) and nothing more: no eval, no other origin."""
    policy: dict[str, Any] = dict(settings.SECURE_CSP)
    policy["script-src"] = [*policy.get("script-src", [CSP.SELF]), CSP.WASM_UNSAFE_EVAL]
    # What Django's csp_override decorator sets, here for one response of the view.
    setattr(response, "_csp_config", policy)  # noqa: B010
    return response

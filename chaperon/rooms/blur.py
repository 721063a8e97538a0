"""Background blur for staff's cameras (SES-14): the person-segmentation model the browser runs,
bundled with Chaperon from its npm package (``@mediapipe/selfie_segmentation``, Apache-2.0) so
that nothing is fetched from elsewhere. ``scripts/vendor-blur`` copies these files from
node_modules; a test holds them byte for byte to the version package-lock.json pins."""

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.templatetags.static import static
from django.utils.csp import CSP

from chaperon.sessions.attendance import latest_pre_call_check
from chaperon.sessions.models import PreCallCheck

from .permissions import Entrant

PACKAGE = "@mediapipe/selfie_segmentation"
VENDOR = "rooms/vendor/selfie_segmentation"
# What the page loads: the solution's script, its graph, the landscape model (the lighter
# of the two, made for video calls) and the WebAssembly build with SIMD, which every browser
# the room supports runs. A browser without SIMD asks for the other build, which is not
# bundled: blur is then unavailable there, and the page says so.
FILES = (
    "selfie_segmentation.js",
    "selfie_segmentation.binarypb",
    "selfie_segmentation_landscape.tflite",
    "selfie_segmentation_solution_simd_wasm_bin.js",
    "selfie_segmentation_solution_simd_wasm_bin.wasm",
)
# Kept beside them: the package's own description, with its version and licence.
BUNDLED = (*FILES, "package.json")


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

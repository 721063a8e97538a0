"""The pickers' search (``people/picker.js`` asks it as one types): JSON, signed-in staff
only, the viewer's own organisation only, a few results, the name and nothing more."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from chaperon.core.exceptions import PermissionDenied, ValidationFailed

from .permissions import viewer_of
from .pickers import KINDS, PICK_RESULTS, labelled, people_to_pick


@never_cache
@require_GET
def pick(request: HttpRequest, kind: str) -> JsonResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"error": "Sign in to search for people."}, status=401)
    if kind not in KINDS:
        return JsonResponse({"error": "No such list of people."}, status=404)
    viewer = viewer_of(request)
    text = request.GET.get("q", "")
    try:
        found, more = people_to_pick(viewer, kind, text)
    except PermissionDenied:
        return JsonResponse({"error": "Your role does not choose these people."}, status=403)
    except ValidationFailed as error:
        return JsonResponse({"error": error.errors["q"]}, status=400)
    return JsonResponse({"results": labelled(found, kind), "more": more, "limit": PICK_RESULTS})

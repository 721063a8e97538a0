"""Rendering pages that nobody is signed in to (a consent link, the public report page): the
middleware that puts a signed-in person's organisation's time zone in force has nothing to go
on there, so the page names the zone itself."""

from datetime import tzinfo
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def render_in_zone(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    zone: tzinfo | None,
    status: int = 200,
) -> HttpResponse:
    """``render``, with times shown in ``zone`` (the server's default when None)."""
    if zone is None:
        return render(request, template, context, status=status)
    with timezone.override(zone):
        return render(request, template, context, status=status)

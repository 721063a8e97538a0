"""What the public report pages do when the database fails (INC-1, LOG-1): answer at once with
what to do now (call 999, the organisation's safeguarding contacts, CEOP), and keep the report
in the encrypted spool (``spool``) so that it reaches the DSL once the database is back.

Nothing here touches the database: the page is drawn without the request's context (no
session, no user), and the organisation's name and contacts come from the cache, where every
public page that showed them left them.
"""

import functools
import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

from chaperon.core.exceptions import ValidationFailed
from chaperon.core.uploads import refuse_oversized
from chaperon.people.models import Organisation

from . import conf, spool
from .forms import InvitationReportForm, PublicReportForm, ReportForm
from .services.raising import checked_text

logger = logging.getLogger(__name__)

_CONTACTS = "concerns:public-contacts:{slug}"
_TOKEN = "concerns:public-token:{digest}"  # noqa: S105 (a cache key, not a secret)
TOKEN_DAYS = 7


def _token_key(token: str) -> str:
    return _TOKEN.format(digest=hashlib.sha256(token.encode()).hexdigest())


def remember_contacts(organisation: Organisation, *, invitation_token: str = "") -> None:
    """Keep the organisation's name and contacts where the emergency page can find them."""
    key = _CONTACTS.format(slug=organisation.slug)
    contacts = {"name": organisation.name, "contacts": organisation.safeguarding_contacts}
    try:
        if cache.get(key) != contacts:  # written only when they change: read on every view
            cache.set(key, contacts, None)
        if invitation_token:
            cache.set(_token_key(invitation_token), organisation.slug, TOKEN_DAYS * 86400)
    except Exception:  # the cache helps the emergency page; it never stops a report
        logger.warning("Could not keep the safeguarding contacts in the cache", exc_info=True)


def _known(slug: str) -> dict[str, str]:
    try:
        found = cache.get(_CONTACTS.format(slug=slug)) if slug else None
    except Exception:
        found = None
    return found or {}


def on_database_fault(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer with the emergency page (and keep the report) when the database fails."""

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DatabaseError:
            logger.exception("The public report page could not use the database")
            return emergency_page(
                request, slug=kwargs.get("slug", ""), token=kwargs.get("token", "")
            )

    return guarded


def _route(request: HttpRequest, slug: str, token: str) -> tuple[dict[str, str], str]:
    """Where the report goes, and the organisation's slug where it is known."""
    if token:
        try:
            known = cache.get(_token_key(token)) or ""
        except Exception:
            known = ""
        return {"invitation": token}, known
    if not slug and request.method == "POST":
        slug = str(request.POST.get("organisation", ""))
    return ({"organisation": slug} if slug else {}), slug


def _label(form: ReportForm, name: str) -> str:
    return str(form.fields[name].label) if name in form.fields else "Your report"


def _keep(request: HttpRequest, route: dict[str, str]) -> tuple[str, list[str]]:
    """Spool the report; return the receipt code ('' if not kept) and what was wrong with it."""
    if not route:
        return "", ["Your school, college or service: choose one"]
    form: ReportForm = (
        InvitationReportForm(request.POST, request.FILES)
        if "invitation" in route
        else PublicReportForm(request.POST, request.FILES)
    )
    refuse_oversized(request, form)
    if not form.is_valid():
        return "", [
            f"{_label(form, name)}: {' '.join(str(error) for error in errors)}"
            for name, errors in form.errors.items()
        ]
    arguments = form.service_arguments()
    attachment = arguments.pop("attachment")
    texts = ("description", "material_location", "seen_by", "about_name", "reporter_name")
    try:
        checked_text({name: arguments.get(name, "") for name in texts})
    except ValidationFailed as refused:
        return "", [f"{name}: {message}" for name, message in refused.errors.items()]
    try:
        return spool.spool_report(route=route, fields=arguments, attachment=attachment), []
    except spool.SpoolUnavailable:
        logger.exception("A public report could not be kept in the spool")
        return "", []


def emergency_page(request: HttpRequest, *, slug: str = "", token: str = "") -> HttpResponse:
    route, known_slug = _route(request, slug, token)
    receipt, problems = _keep(request, route) if request.method == "POST" else ("", [])
    organisation = _known(known_slug)
    html = render_to_string(
        "concerns/public/emergency.html",
        {
            "posted": request.method == "POST",
            "receipt": receipt,
            "problems": problems,
            "organisation_name": organisation.get("name", ""),
            "contacts": organisation.get("contacts", ""),
            "danger": request.method == "POST" and bool(request.POST.get("immediate_danger")),
            "ceop_url": conf.CEOP_URL,
        },
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = "60"
    add_never_cache_headers(response)
    return response

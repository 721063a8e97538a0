"""A limit on reports from one address to the public page: enough for anyone with a real
worry, too few to flood the DSL's inbox.

The count is a row per address and hour, taken with a conditional UPDATE inside the
transaction that raises the concern: the UPDATE locks the row, so reports sent at the same
moment queue on it and each sees the count the others left; a report that fails is not
counted. Searches for a school on the page are limited too (``take_search``), so that nobody
lists every organisation on the server by searching letter by letter; that count is kept in the
cache (a soft limit: it needs no row, and a lost count errs towards letting a search through).
The address is kept only as a keyed hash (``client_address``: X-Forwarded-For is
believed only from ``TRUSTED_PROXIES``).
"""

import hashlib
import hmac
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from chaperon.core.addresses import client_address

from . import conf
from .models import ReportCount

WINDOW = timedelta(hours=1)


def _key(request: HttpRequest) -> str:
    secret = f"concerns.report-count:{settings.SECRET_KEY}".encode()
    address = client_address(request) or "unknown"
    return hmac.new(secret, address.encode(), hashlib.sha256).hexdigest()


def _window(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def over_limit(request: HttpRequest) -> bool:
    """Whether this address has used its reports for the hour (a look, not a count: the page
    can say so before the reporter writes anything more)."""
    count = ReportCount.objects.filter(
        address_key=_key(request), window_start=_window(timezone.now())
    ).first()
    return count is not None and count.reports >= conf.reports_per_hour()


def take_report(request: HttpRequest) -> bool:
    """Count one report from this address if the hour's limit allows it. Call inside the
    transaction that raises the concern; False means the limit is reached (count nothing)."""
    key, window = _key(request), _window(timezone.now())
    ReportCount.objects.bulk_create(
        [ReportCount(address_key=key, window_start=window)], ignore_conflicts=True
    )
    counted = ReportCount.objects.filter(
        address_key=key, window_start=window, reports__lt=conf.reports_per_hour()
    ).update(reports=F("reports") + 1)
    return counted == 1


def take_search(request: HttpRequest) -> bool:
    """Count one search for a school from this address; False once the hour's are used."""
    window = _window(timezone.now())
    key = f"concerns.search-count:{_key(request)}:{window.isoformat()}"
    cache.add(key, 0, timeout=int(WINDOW.total_seconds()) + 60)
    try:
        searches = cache.incr(key)
    except ValueError:  # gone from the cache between the two calls: count afresh
        cache.set(key, 1, timeout=int(WINDOW.total_seconds()) + 60)
        searches = 1
    return searches <= conf.searches_per_hour()


def forget_old_counts() -> int:
    """Remove the counts of hours that are over; returns how many rows went."""
    deleted, _ = ReportCount.objects.filter(
        window_start__lt=_window(timezone.now()) - WINDOW
    ).delete()
    return deleted

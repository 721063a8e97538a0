from collections.abc import Callable

from django.conf import settings


def absolute_url(path: str) -> str:
    """``path`` (from ``reverse``) as a full address, for email."""
    return f"{settings.SITE_URL}{path}"


# The family page (a parent's or carer's own page, no account needed) belongs to an app above
# every app that emails parents: it registers how its personal link is made, and the emails
# of the apps below ask for it here.
_family_page_url: Callable[[int], str] | None = None


def register_family_page(make_url: Callable[[int], str]) -> None:
    """``make_url(guardian_id)`` makes a guardian's personal link to their family page."""
    global _family_page_url
    _family_page_url = make_url


def family_page_url(guardian_id: int | None) -> str:
    """The guardian's personal family page link, for an email to them ("" if none)."""
    if guardian_id is None or _family_page_url is None:
        return ""
    return _family_page_url(guardian_id)

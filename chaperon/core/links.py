from django.conf import settings


def absolute_url(path: str) -> str:
    """``path`` (from ``reverse``) as a full address, for email."""
    return f"{settings.SITE_URL}{path}"

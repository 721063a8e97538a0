"""Consent settings that apply to the whole installation (``chaperon/settings/base.py`` reads
them from the environment: ``CONSENT_LINK_DAYS``, ``CONSENT_ATTACHMENT_MAX_BYTES``)."""

from django.conf import settings


def link_days() -> int:
    """How many days a consent request link works for."""
    return int(settings.CONSENT_LINK_DAYS)


def attachment_max_bytes() -> int:
    """The largest evidence file (a scanned form, a saved email) accepted."""
    return int(settings.CONSENT_ATTACHMENT_MAX_BYTES)

"""Concern settings for the whole installation (``chaperon/settings/base.py`` reads them from
the environment: ``CONCERN_ACKNOWLEDGE_MINUTES``, ``CONCERN_REPORTS_PER_HOUR``,
``CONCERN_ATTACHMENT_MAX_BYTES``)."""

from datetime import timedelta

from django.conf import settings

CEOP_URL = "https://www.ceop.police.uk/Safety-Centre/"

# The most a reporter may write, in characters: what happened (about eight pages), where any
# material is and who has seen it, names and contact details.
DESCRIPTION_MAX_CHARS = 20_000
DETAIL_MAX_CHARS = 4_000
NAME_MAX_CHARS = 200
CONTACT_MAX_CHARS = 254


def acknowledge_within() -> timedelta:
    """How long a new concern may wait for the DSL before it is escalated, and between
    escalations while it still waits."""
    return timedelta(minutes=int(getattr(settings, "CONCERN_ACKNOWLEDGE_MINUTES", 30)))


def reports_per_hour() -> int:
    """How many reports one address may send from the public page in an hour."""
    return int(getattr(settings, "CONCERN_REPORTS_PER_HOUR", 10))


def searches_per_hour() -> int:
    """How many searches for a school one address may make on the public page in an hour."""
    return int(getattr(settings, "CONCERN_SEARCHES_PER_HOUR", 60))


def attachment_max_bytes() -> int:
    return int(getattr(settings, "CONCERN_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024))

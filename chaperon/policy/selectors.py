"""Reads of the organisation's session policy and its platform register.

The policy document (``chaperon.policy.engine``, YAML) holds every value. Five of them describe
the organisation itself and are kept on its settings (time zone, working days and hours, and how
long staff checks stay valid), so the dashboard and the policy can never disagree: the
organisation's policy is its latest saved document, or the default, with those values taken
from the organisation.
"""

from datetime import datetime
from typing import Any

import yaml
from django.db.models import Count, Q, QuerySet

from chaperon.people.models import WEEKDAY_NAMES, Organisation, User

from .engine.document import Policy, default_policy, parse_policy, policy_from_yaml
from .models import ApprovedPlatform, OrganisationPolicy

_DAY_KEYS = [name[:3].lower() for name in WEEKDAY_NAMES]


def organisation_values(organisation: Organisation) -> dict[str, Any]:
    return {
        "time_zone": organisation.time_zone,
        "working_days": [_DAY_KEYS[int(day) - 1] for day in sorted(organisation.working_days)],
        "working_hours_start": organisation.working_hours_start.strftime("%H:%M"),
        "working_hours_end": organisation.working_hours_end.strftime("%H:%M"),
        "dbs_valid_years": organisation.dbs_valid_years,
        "training_valid_years": organisation.training_valid_years,
        "aup_valid_years": organisation.aup_valid_years,
    }


def document_values(policy: Policy) -> dict[str, Any]:
    return {
        "max_duration_minutes": policy.max_duration_minutes,
        "max_sessions_per_week": policy.max_sessions_per_week,
        "approved_platforms": list(policy.approved_platforms),
        "exception_approvers": list(policy.exception_approvers),
        "host_extension_minutes": policy.host_extension_minutes,
    }


def organisation_policy_document(organisation: Organisation) -> dict[str, Any]:
    """Every field of the organisation's policy as it stands, ready to show or to parse."""
    latest = (
        OrganisationPolicy.objects.filter(organisation=organisation).order_by("-version").first()
    )
    stored = policy_from_yaml(latest.text) if latest else default_policy()
    return {
        "name": organisation.slug,
        "version": latest.version if latest else 1,
        **organisation_values(organisation),
        **document_values(stored),
    }


def organisation_policy(organisation: Organisation) -> Policy:
    return parse_policy(organisation_policy_document(organisation))


def exception_approvers_of(organisation_id: int) -> tuple[str, ...]:
    """The roles the organisation's policy names to approve exceptions: its choice for the
    permission table's approve_exceptions."""
    organisation = Organisation.objects.get(pk=organisation_id)
    return organisation_policy(organisation).exception_approvers


def policy_as_yaml(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def platforms_of(viewer: User) -> QuerySet[ApprovedPlatform]:
    return ApprovedPlatform.objects.filter(organisation_id=viewer.organisation_id).order_by("name")


def platform_figures(organisation_id: int, *, since: datetime, until: datetime) -> dict[str, int]:
    """Counts only, for the annual review (ORG-6): the platforms on the approved register
    during [since, until) (registered before ``until``: none is ever taken off it), and those
    of them registered in that time."""
    return ApprovedPlatform.objects.filter(
        organisation_id=organisation_id, created_at__lt=until
    ).aggregate(approved=Count("pk"), added=Count("pk", filter=Q(created_at__gte=since)))

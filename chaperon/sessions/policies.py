"""The session policy an organisation's sessions are judged by.

The policy document (``chaperon.policy``, YAML) holds every value. Five of them describe the
organisation itself and are kept on its settings (time zone, working days and hours, and how
long staff checks stay valid), so the dashboard and the policy can never disagree: the
organisation's policy is its latest saved document, or the default, with those values taken
from the organisation. Saving a document stores it as a new version and sets those values on
the organisation in the same transaction.
"""

from typing import Any

import yaml
from django.db import transaction

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core import events
from chaperon.core.exceptions import ValidationFailed
from chaperon.people import services as people_services
from chaperon.people.models import WEEKDAY_NAMES, Organisation, User
from chaperon.people.permissions import require, require_same_organisation
from chaperon.people.roles import Permission
from chaperon.policy.engine.document import (
    Policy,
    default_policy,
    parse_policy,
    policy_from_yaml,
    read_yaml,
)
from chaperon.policy.engine.errors import InvalidPolicy

from .events import PolicyChanged
from .models import OrganisationPolicy

_DAY_KEYS = [name[:3].lower() for name in WEEKDAY_NAMES]


def _organisation_values(organisation: Organisation) -> dict[str, Any]:
    return {
        "time_zone": organisation.time_zone,
        "working_days": [_DAY_KEYS[int(day) - 1] for day in sorted(organisation.working_days)],
        "working_hours_start": organisation.working_hours_start.strftime("%H:%M"),
        "working_hours_end": organisation.working_hours_end.strftime("%H:%M"),
        "dbs_valid_years": organisation.dbs_valid_years,
        "training_valid_years": organisation.training_valid_years,
        "aup_valid_years": organisation.aup_valid_years,
    }


def _document_values(policy: Policy) -> dict[str, Any]:
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
        **_organisation_values(organisation),
        **_document_values(stored),
    }


def organisation_policy(organisation: Organisation) -> Policy:
    return parse_policy(organisation_policy_document(organisation))


def policy_as_yaml(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def organisation_policy_save(
    *, actor: User | None, organisation: Organisation, text: str
) -> Policy:
    """Store ``text`` (a whole policy document) as the organisation's next version.

    Refused, naming the field, if the document is not a valid policy. ``name`` and ``version``
    in the text are ignored: the organisation's slug and the next version number are used.
    """
    require(actor, Permission.MANAGE_ORGANISATION)
    require_same_organisation(actor, organisation)
    try:
        data = read_yaml(text)
        if isinstance(data, dict):
            data = {**data, "name": organisation.slug, "version": 1}
        parsed = parse_policy(data)
    except InvalidPolicy as error:
        raise ValidationFailed({error.field: error.problem}) from None
    with transaction.atomic():
        people_services.organisation_update(
            actor=actor,
            organisation=organisation,
            **_organisation_fields(parsed),
        )
        organisation.refresh_from_db()
        latest = (
            OrganisationPolicy.objects.select_for_update()
            .filter(organisation=organisation)
            .order_by("-version")
            .first()
        )
        version = (latest.version if latest else 1) + 1
        saved = OrganisationPolicy.objects.create(
            organisation=organisation,
            version=version,
            text=policy_as_yaml(
                {
                    "name": organisation.slug,
                    "version": version,
                    **_organisation_values(organisation),
                    **_document_values(parsed),
                }
            ),
            created_by=actor,
        )
        record(
            action=AuditAction.POLICY_SAVED,
            actor=actor,
            obj=saved,
            data={"version": version},
        )
        events.publish(PolicyChanged(organisation_id=organisation.pk, version=version))
    return organisation_policy(organisation)


def _organisation_fields(policy: Policy) -> dict[str, Any]:
    return {
        "time_zone": policy.time_zone,
        "working_days": "".join(str(day + 1) for day in policy.working_days),
        "working_hours_start": policy.working_hours_start,
        "working_hours_end": policy.working_hours_end,
        "dbs_valid_years": policy.dbs_valid_years,
        "training_valid_years": policy.training_valid_years,
        "aup_valid_years": policy.aup_valid_years,
    }

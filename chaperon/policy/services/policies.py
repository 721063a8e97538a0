"""Saving the organisation's session policy.

The organisation's policy is its latest saved document with five values taken from the
organisation's settings (see ``selectors``). Saving a document stores it as a new version and
sets those values on the organisation in the same transaction.
"""

from typing import Any

from django.db import transaction

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core import events
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people import services as people_services
from chaperon.people.models import Organisation, User
from chaperon.people.permissions import require, require_same_organisation
from chaperon.people.roles import Permission

from ..engine.document import Policy, parse_policy, read_yaml
from ..engine.errors import InvalidPolicy
from ..events import PolicyChanged
from ..models import OrganisationPolicy
from ..selectors import document_values, organisation_policy, organisation_values, policy_as_yaml


@logged
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
                    **organisation_values(organisation),
                    **document_values(parsed),
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

"""The register of approved platforms (ORG-4, SES-11)."""

from datetime import date

from django.db import transaction

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.models import Organisation, User
from chaperon.people.permissions import require, require_same_organisation
from chaperon.people.roles import Permission
from chaperon.people.services import full_clean_or_fail

from ..models import BUILTIN_PLATFORM, ApprovedPlatform


@logged
def platform_register(
    *,
    actor: User | None,
    organisation: Organisation,
    key: str,
    name: str,
    risk_assessed_on: date,
    risk_assessment: str,
    organisation_account: bool,
    settings: dict[str, bool],
) -> ApprovedPlatform:
    require(actor, Permission.MANAGE_ORGANISATION)
    require_same_organisation(actor, organisation)
    if key == BUILTIN_PLATFORM:
        raise ValidationFailed({"key": "builtin is Chaperon's own room; choose another name"})
    if ApprovedPlatform.objects.filter(organisation=organisation, key=key).exists():
        raise ValidationFailed({"key": f"{key} is already on the register"})
    platform = ApprovedPlatform(
        organisation=organisation,
        key=key,
        name=name.strip(),
        risk_assessed_on=risk_assessed_on,
        risk_assessment=risk_assessment.strip(),
        organisation_account=organisation_account,
        settings=settings,
    )
    full_clean_or_fail(platform)
    with transaction.atomic():
        platform.save()
        record(action=AuditAction.PLATFORM_REGISTERED, actor=actor, obj=platform, data={"key": key})
    return platform

"""Organisations (made from the command line only) and their settings and sites."""

from datetime import time
from typing import Any

from django.db import transaction

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core import events
from chaperon.core.actors import SystemActor
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.service_log import logged

from ..events import OrganisationSettingsChanged
from ..models import (
    Organisation,
    Site,
    User,
)
from ..permissions import require, require_same_organisation
from ..roles import Permission
from .common import apply_changes, full_clean_or_fail, refuse_unknown


@logged
def organisation_create(
    *,
    actor: User | SystemActor,
    name: str,
    slug: str,
    time_zone: str = "Europe/London",
    working_days: str = "12345",
    working_hours_start: time = time(8, 30),
    working_hours_end: time = time(17, 0),
    is_demo: bool = False,
    postcode: str = "",
) -> Organisation:
    if isinstance(actor, User):  # organisations are made by operators, never from inside one
        raise ValidationFailed({"organisation": "create organisations from the command line"})
    organisation = Organisation(
        name=name,
        slug=slug,
        time_zone=time_zone,
        working_days=working_days,
        working_hours_start=working_hours_start,
        working_hours_end=working_hours_end,
        is_demo=is_demo,
        postcode=postcode,
    )
    full_clean_or_fail(organisation)
    with transaction.atomic():
        organisation.save()
        record(action=AuditAction.ORGANISATION_CREATED, obj=organisation)
    return organisation


ORGANISATION_SETTINGS = (
    "name",
    "time_zone",
    "working_days",
    "working_hours_start",
    "working_hours_end",
    "senior_leadership_email",
    "safeguarding_contacts",
    "postcode",
    "compliance_warning_days",
    "dbs_valid_years",
    "training_valid_years",
    "aup_valid_years",
    "meeting_record_retention_years",
)


@logged
def organisation_update(
    *, actor: User | SystemActor | None, organisation: Organisation, **changes: Any
) -> Organisation:
    """Change the organisation's settings (``ORGANISATION_SETTINGS``). ``None`` is the system,
    for callers not yet explicit (the policy's page saves the policy's settings here)."""
    require(actor, Permission.MANAGE_ORGANISATION)
    require_same_organisation(actor, organisation)
    refuse_unknown(changes, ORGANISATION_SETTINGS, "an organisation setting")
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        changed = apply_changes(organisation, changes)
        if not changed:
            return organisation
        full_clean_or_fail(organisation)
        organisation.save()
        record(
            action=AuditAction.ORGANISATION_UPDATED,
            actor=actor,
            obj=organisation,
            data={"changed": changed},
        )
        events.publish(OrganisationSettingsChanged(organisation_id=organisation.pk))
    return organisation


@logged
def site_create(
    *, actor: User | SystemActor, organisation: Organisation, name: str, address: str = ""
) -> Site:
    require(actor, Permission.MANAGE_ORGANISATION)
    require_same_organisation(actor, organisation)
    site = Site(organisation=organisation, name=name.strip(), address=address.strip())
    full_clean_or_fail(site)
    with transaction.atomic():
        site.save()
        record(action=AuditAction.SITE_CREATED, actor=actor, obj=site)
    return site

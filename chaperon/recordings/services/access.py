"""Which roles may play recordings, beside the DSL."""

from collections.abc import Sequence

from django.db import transaction

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.models import User
from chaperon.people.roles import Permission, roles_that_may_be_given, roles_with

from ..models import (
    RecordingAccess,
)
from ..permissions import (
    may_change_access,
)


@logged
def recording_access_set(*, actor: User, roles: Sequence[str]) -> RecordingAccess:
    """Change which roles may play the organisation's recordings. The DSL always may."""
    if not may_change_access(actor):
        raise PermissionDenied("Only the DSL can change who may play recordings.")
    always = roles_with(Permission.PLAY_RECORDINGS, chosen=())
    chosen = sorted({str(role) for role in [*roles, *always]})
    if not set(chosen) <= roles_that_may_be_given(Permission.PLAY_RECORDINGS):
        raise ValidationFailed(
            {"roles": "recordings may be played only by the DSL, deputies and senior leaders"}
        )
    with transaction.atomic():
        access, _ = RecordingAccess.objects.select_for_update().get_or_create(
            organisation_id=actor.organisation_id
        )
        before = sorted(access.roles)
        access.roles = chosen
        access.changed_by = actor
        access.save()
        record(
            action=AuditAction.RECORDING_ACCESS_CHANGED,
            actor=actor,
            obj=access,
            data={"before": before, "after": chosen},
        )
    return access

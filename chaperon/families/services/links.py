"""Stopping family page links: by the person holding one (a link they think someone else has
seen), or by a consent manager (a parent no longer to be told, a link sent to a wrong address).
Every link sent so far stops at once; the next email carries a new one."""

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.consent.permissions import require, require_same_organisation
from chaperon.core.actors import PublicActor
from chaperon.core.service_log import logged
from chaperon.people.models import Guardian, User
from chaperon.people.roles import Permission

from ..models import FamilyLinkKey, new_nonce
from ..selectors import LINK_ACTOR


@logged
def family_links_stop(*, actor: User | PublicActor, guardian: Guardian) -> FamilyLinkKey:
    """Stop every family page link of ``guardian``. ``actor`` ``PUBLIC``: the holder of a working
    link asked (the caller has opened it)."""
    if isinstance(actor, User):
        require(actor, Permission.RECORD_CONSENT)
        require_same_organisation(actor, guardian.organisation_id)
    with transaction.atomic():
        key, _ = FamilyLinkKey.objects.select_for_update().get_or_create(
            guardian=guardian, defaults={"organisation_id": guardian.organisation_id}
        )
        key.nonce = new_nonce()
        key.stopped_at = timezone.now()
        key.save(update_fields=["nonce", "stopped_at", "updated_at"])
        record(
            action=AuditAction.FAMILY_LINKS_STOPPED,
            actor=actor,
            actor_label="" if isinstance(actor, User) else LINK_ACTOR,
            obj=guardian,
        )
    return key

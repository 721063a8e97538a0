"""Acceptable use agreements (ORG-2): versions published per audience, and staff signatures.
A new version asks its audience again: staff are asked when they next sign in
(``middleware.AcceptableUseMiddleware``). Signing records the day on the member of staff's
record, which the session policy reads (SES-10)."""

from django.db import IntegrityError, transaction
from django.db.models import Max

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.actors import SYSTEM, SystemActor
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.service_log import logged
from chaperon.core.validators import single_line_problem
from chaperon.people.models import Organisation, User
from chaperon.people.permissions import require
from chaperon.people.roles import Permission
from chaperon.people.selectors import staff_member_of
from chaperon.people.services import staff_update

from ..agreements import current_version
from ..models import Audience, AupSignature, AupVersion

TEXT_MAX_CHARACTERS = 20_000
TITLE_MAX_CHARACTERS = 200


@logged
def aup_publish(
    *, actor: User | SystemActor, organisation: Organisation, audience: str, title: str, text: str
) -> AupVersion:
    """Publish a new version for ``audience``; everyone in it is asked to sign it."""
    require(actor, Permission.PUBLISH_AUP)
    if isinstance(actor, User) and actor.organisation_id != organisation.pk:
        raise ValidationFailed({"organisation": "an agreement is published for your own"})
    errors = {}
    if audience not in Audience.values:
        errors["audience"] = f"choose one of: {', '.join(Audience.values)}"
    title, text = title.strip(), text.strip()
    if not title:
        errors["title"] = "give the agreement a title, such as 'Staff acceptable use agreement'"
    elif len(title) > TITLE_MAX_CHARACTERS or single_line_problem(title):
        errors["title"] = f"one line of at most {TITLE_MAX_CHARACTERS} characters"
    if not text:
        errors["text"] = "write what is agreed to: the agreement's whole text"
    elif len(text) > TEXT_MAX_CHARACTERS:
        errors["text"] = f"at most {TEXT_MAX_CHARACTERS:,} characters; this has {len(text):,}"
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            latest = AupVersion.objects.filter(
                organisation=organisation, audience=audience
            ).aggregate(latest=Max("number"))["latest"]
            version = AupVersion.objects.create(
                organisation=organisation,
                audience=audience,
                number=(latest or 0) + 1,
                title=title,
                text=text,
                published_by=actor if isinstance(actor, User) else None,
            )
            record(
                action=AuditAction.AUP_PUBLISHED,
                actor=actor,
                obj=version,
                data={"audience": audience, "number": version.number},
            )
    except IntegrityError:  # another version of the same audience at the same moment
        raise ValidationFailed(
            {"text": "Another version was published at the same moment: look again and retry"}
        ) from None
    return version


@logged
def aup_sign(*, actor: User, version_id: int) -> AupSignature:
    """``actor``, a member of staff, agrees to the staff agreement ``version_id``: only the one
    in force may be signed. Signing twice is harmless (the first signature stands)."""
    staff = staff_member_of(actor)
    if staff is None:
        raise ValidationFailed({"version": "only staff sign the staff agreement here"})
    version = current_version(actor.organisation_id, Audience.STAFF)
    if version is None or version.pk != version_id:
        raise ValidationFailed(
            {"version": "this is not the agreement in force any more: read the current one"}
        )
    with transaction.atomic():
        signature, created = AupSignature.objects.get_or_create(
            organisation_id=actor.organisation_id, version=version, user=actor
        )
        if created:
            record(
                action=AuditAction.AUP_SIGNED,
                actor=actor,
                obj=version,
                data={"audience": version.audience, "number": version.number},
            )
            # The day the session policy reads (SES-10), as on the staff record.
            staff_update(actor=SYSTEM, staff=staff, aup_signed_on=actor.organisation.today())
    return signature

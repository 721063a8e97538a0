"""Trusts: made, given their schools and their members by an operator on the server only
(``chaperon trust``). A trust's members see figures of every school in it, so nobody inside a
school may put the school in a trust or give themselves a trust role."""

from django.db import transaction

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.actors import SystemActor
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.service_log import logged

from ..models import Organisation, Trust, TrustMembership, User
from ..roles import TrustRole
from .common import full_clean_or_fail


@logged
def trust_create(*, actor: SystemActor, name: str, slug: str) -> Trust:
    trust = Trust(name=name.strip(), slug=slug.strip())
    if Trust.objects.filter(slug=trust.slug).exists():
        raise ValidationFailed({"slug": f"{trust.slug!r} is already a trust's; choose another"})
    full_clean_or_fail(trust)
    with transaction.atomic():
        trust.save()
        # A trust has no chain of its own: the event stands in the log of no organisation.
        record(action=AuditAction.TRUST_CREATED, actor=actor, obj=trust, data={"slug": slug})
    return trust


@logged
def trust_add_school(
    *, actor: SystemActor, trust: Trust, organisation: Organisation
) -> Organisation:
    """Put ``organisation`` in ``trust``. One trust at a time: a school in another trust must
    be taken out of it first (``trust_remove_school``)."""
    with transaction.atomic():
        school = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if school.trust_id == trust.pk:
            raise ValidationFailed({"organisation": f"{school.slug} is already in this trust"})
        if school.trust_id is not None:
            raise ValidationFailed(
                {
                    "organisation": f"{school.slug} is in another trust; take it out of that "
                    "trust first (chaperon trust remove-school)"
                }
            )
        school.trust = trust
        school.save(update_fields=["trust", "updated_at"])
        record(
            action=AuditAction.TRUST_SCHOOL_ADDED,
            actor=actor,
            obj=school,
            data={"trust": trust.pk},
        )
    return school


@logged
def trust_remove_school(*, actor: SystemActor, organisation: Organisation) -> Organisation:
    with transaction.atomic():
        school = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if school.trust_id is None:
            raise ValidationFailed({"organisation": f"{school.slug} is in no trust"})
        trust_id = school.trust_id
        school.trust = None
        school.save(update_fields=["trust", "updated_at"])
        record(
            action=AuditAction.TRUST_SCHOOL_REMOVED,
            actor=actor,
            obj=school,
            data={"trust": trust_id},
        )
    return school


def _trust_role(role: str) -> TrustRole:
    if role not in TrustRole.values:
        raise ValidationFailed(
            {"role": f"{role!r} is not a trust role; use one of {', '.join(TrustRole.values)}"}
        )
    return TrustRole(role)


@logged
def trust_add_member(*, actor: SystemActor, trust: Trust, user: User, role: str) -> TrustMembership:
    """Give ``user`` a role in ``trust``. Their account stays in its own organisation."""
    trust_role = _trust_role(role)
    if not user.is_active:
        raise ValidationFailed({"user": f"{user.email} can no longer sign in; reactivate first"})
    with transaction.atomic():
        if TrustMembership.objects.filter(trust=trust, user=user, role=trust_role).exists():
            raise ValidationFailed(
                {"role": f"{user.email} already holds {trust_role.value} in {trust.slug}"}
            )
        membership = TrustMembership.objects.create(trust=trust, user=user, role=trust_role)
        record(
            action=AuditAction.TRUST_MEMBER_ADDED,
            actor=actor,
            obj=membership,
            organisation_id=user.organisation_id,
            data={"trust": trust.pk, "user": user.pk, "role": trust_role.value},
        )
    return membership


@logged
def trust_remove_member(*, actor: SystemActor, trust: Trust, user: User, role: str) -> None:
    trust_role = _trust_role(role)
    with transaction.atomic():
        deleted, _ = TrustMembership.objects.filter(
            trust=trust, user=user, role=trust_role
        ).delete()
        if not deleted:
            raise ValidationFailed(
                {"role": f"{user.email} does not hold {trust_role.value} in {trust.slug}"}
            )
        record(
            action=AuditAction.TRUST_MEMBER_REMOVED,
            actor=actor,
            organisation_id=user.organisation_id,
            data={"trust": trust.pk, "user": user.pk, "role": trust_role.value},
        )

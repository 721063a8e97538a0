"""Staff: adding them, changing their details and compliance facts, and their roles (with
the privileged roles' own rules, ``privileges``)."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core import events
from chaperon.core.actors import SystemActor
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.service_log import logged

from ..emails import normalise_email
from ..events import StaffChanged, StaffLeft
from ..models import (
    Organisation,
    StaffMember,
    StaffRole,
    User,
)
from ..permissions import require, require_same_organisation
from ..privileges import (
    Refusal,
    refuse_staff_change,
    role_change_refusal,
    sign_in_change_refusal,
)
from ..roles import Permission, Role
from .common import (
    apply_changes,
    full_clean_or_fail,
    leaving_day,
    refuse_leaving_twice,
    refuse_unknown,
    validate_person,
)


def _clean_roles(roles: Iterable[str]) -> list[str]:
    valid = set(Role.values)
    bad = sorted(set(roles) - valid)
    if bad:
        raise ValidationFailed(
            {"roles": f"unknown role {', '.join(bad)}; use one of {', '.join(sorted(valid))}"}
        )
    return sorted(set(roles))


STAFF_FIELDS = (
    "external_id",
    "job_title",
    "site",
    "line_manager",
    "dbs_checked_on",
    "dbs_type",
    "safeguarding_training_on",
    "aup_signed_on",
    "date_of_birth",
)


@logged
def staff_create(
    *,
    actor: User | SystemActor,
    organisation: Organisation,
    email: str,
    full_name: str,
    roles: Iterable[str],
    password: str | None = None,
    **fields: Any,
) -> StaffMember:
    """Add a staff member who can sign in. Without ``password`` they set one before signing in."""
    require(actor, Permission.MANAGE_STAFF)
    require_same_organisation(actor, organisation)
    role_list = _clean_roles(roles)
    why = role_change_refusal(actor, holder=None, before=[], after=role_list)
    if why:
        raise refuse_staff_change(
            actor=actor, refusal=Refusal(organisation, why, {"asked": role_list})
        )
    email = normalise_email(email)
    user = User(email=email, full_name=full_name.strip(), organisation=organisation)
    user.set_password(password)
    if User.objects.filter(email=email).exists():
        raise ValidationFailed({"email": f"{email} already belongs to another account"})
    full_clean_or_fail(user, exclude=["password"])
    staff = StaffMember(organisation=organisation, user=user, **fields)
    validate_person(staff, exclude=["user"])
    try:
        with transaction.atomic():
            user.save()
            staff.user = user
            staff.save()
            StaffRole.objects.bulk_create(StaffRole(staff=staff, role=role) for role in role_list)
            record(
                action=AuditAction.STAFF_CREATED,
                actor=actor,
                obj=staff,
                data={"roles": role_list, "user": user.pk},
            )
    except IntegrityError:
        raise ValidationFailed({"email": f"{email} already belongs to another account"}) from None
    return staff


@logged
def staff_update(
    *,
    actor: User | SystemActor,
    staff: StaffMember,
    full_name: str | None = None,
    email: str | None = None,
    **fields: Any,
) -> StaffMember:
    """Change a staff member's details. Changing the email address of someone who holds a
    privileged role needs a safeguarding lead (``privileges``); a refusal is audited."""
    require(actor, Permission.MANAGE_STAFF)
    require_same_organisation(actor, staff)
    refuse_unknown(fields, STAFF_FIELDS, "a staff field")
    outcome = _staff_update(actor, staff, full_name=full_name, email=email, fields=fields)
    if isinstance(outcome, Refusal):
        raise refuse_staff_change(actor=actor, refusal=outcome)
    return outcome


def _staff_update(
    actor: User | SystemActor,
    staff: StaffMember,
    *,
    full_name: str | None,
    email: str | None,
    fields: dict[str, Any],
) -> StaffMember | Refusal:
    with transaction.atomic():
        staff = StaffMember.objects.select_for_update().select_related("user").get(pk=staff.pk)
        user = staff.user
        user_changes: dict[str, Any] = {}
        if full_name is not None:
            user_changes["full_name"] = full_name.strip()
        if email is not None:
            user_changes["email"] = normalise_email(email)
        changed_user = apply_changes(user, user_changes)
        changed = apply_changes(staff, fields)
        if not changed and not changed_user:
            return staff
        if "email" in changed_user:
            if User.objects.filter(email=user.email).exclude(pk=user.pk).exists():
                raise ValidationFailed(
                    {"email": f"{user.email} already belongs to another account"}
                )
            why = sign_in_change_refusal(actor, holder=user, roles=staff.role_set)
            if why:
                return Refusal(staff, why, {"asked": ["email"]})
        full_clean_or_fail(user, exclude=["password"])
        validate_person(staff, exclude=["user"])
        user.save()
        staff.save()
        record(
            action=AuditAction.STAFF_UPDATED,
            actor=actor,
            obj=staff,
            data={"changed": sorted(changed + changed_user)},
        )
        events.publish(StaffChanged(organisation_id=staff.organisation_id, user_id=staff.user_id))
    return staff


@logged
def staff_set_roles(
    *, actor: User | SystemActor, staff: StaffMember, roles: Iterable[str]
) -> StaffMember:
    """Give ``staff`` exactly ``roles``. Privileged roles need a safeguarding lead, and nobody
    changes their own (``privileges``); a refusal is audited and changes nothing."""
    require(actor, Permission.MANAGE_STAFF)
    require_same_organisation(actor, staff)
    outcome = _set_roles(actor, staff, _clean_roles(roles))
    if isinstance(outcome, Refusal):
        raise refuse_staff_change(actor=actor, refusal=outcome)
    return outcome


def _set_roles(
    actor: User | SystemActor, staff: StaffMember, roles: list[str]
) -> StaffMember | Refusal:
    with transaction.atomic():
        # Changes to one person's roles take turns, each judged on the roles as they are.
        staff = StaffMember.objects.select_for_update().select_related("user").get(pk=staff.pk)
        before = sorted(staff.roles.values_list("role", flat=True))
        if before == roles:
            return staff
        why = role_change_refusal(actor, holder=staff.user, before=before, after=roles)
        if why:
            return Refusal(staff, why, {"before": before, "asked": roles})
        staff.roles.exclude(role__in=roles).delete()
        StaffRole.objects.bulk_create(
            [StaffRole(staff=staff, role=role) for role in roles if role not in before]
        )
        record(
            action=AuditAction.STAFF_ROLES_CHANGED,
            actor=actor,
            obj=staff,
            data={"before": before, "after": roles},
        )
    return staff


LEAVING_ONESELF = (
    "nobody marks themselves as left: ask another administrator or the safeguarding lead"
)


@logged
def staff_mark_left(
    *, actor: User | SystemActor, staff: StaffMember, left_on: date | None = None
) -> StaffMember:
    """Record that ``staff`` left on ``left_on`` (today by default; never a day to come). Their
    account stops signing in at once (pages and API tokens alike), their records stay, and
    ``StaffLeft`` tells the sessions they were due to run or join. Someone who holds a
    privileged role is marked as left only by a safeguarding lead, and nobody marks themselves
    (``privileges``): such a refusal is audited and changes nothing."""
    require(actor, Permission.MANAGE_STAFF)
    require_same_organisation(actor, staff)
    left_on = leaving_day(left_on, today=staff.organisation.today())
    with transaction.atomic():
        staff = StaffMember.objects.select_for_update().select_related("user").get(pk=staff.pk)
        refuse_leaving_twice(staff.user.full_name, staff.left_on)
        roles = sorted(staff.roles.values_list("role", flat=True))
        if isinstance(actor, User) and actor.pk == staff.user_id:
            why: str | None = LEAVING_ONESELF
        else:  # leaving takes every role away: the same rule as taking them away
            why = role_change_refusal(actor, holder=staff.user, before=roles, after=[])
        if why is None:
            staff.left_on = left_on
            staff.save(update_fields=["left_on", "updated_at"])
            staff.user.is_active = False
            staff.user.save(update_fields=["is_active"])
            record(
                action=AuditAction.STAFF_LEFT,
                actor=actor,
                obj=staff,
                data={"left_on": left_on.isoformat(), "roles": roles},
            )
            events.publish(StaffLeft(organisation_id=staff.organisation_id, user_id=staff.user_id))
            return staff
    raise refuse_staff_change(
        actor=actor, refusal=Refusal(staff, why, {"roles": roles, "asked": "left"})
    )

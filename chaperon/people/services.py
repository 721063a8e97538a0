"""Every change to organisations and people: permission checked, validated, audited, atomic.

``actor=None`` means the system itself (a command run by an operator on the server).
"""

from collections.abc import Iterable, Mapping
from datetime import date, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core import events
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.service_log import logged

from .emails import normalise_email
from .events import OrganisationSettingsChanged, StaffChanged
from .models import (
    ORGANISATION_SETTINGS,
    Guardian,
    GuardianRelationship,
    Learner,
    Organisation,
    Site,
    StaffMember,
    StaffRole,
    User,
)
from .permissions import require, require_same_organisation
from .privileges import (
    Refusal,
    refuse_staff_change,
    role_change_refusal,
    sign_in_change_refusal,
)
from .roles import Permission, Role


@logged
def full_clean_or_fail(instance: Model, *, exclude: Iterable[str] = ()) -> None:
    """Validate a model; raise ``ValidationFailed`` naming each bad field and the fix."""
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as error:
        raise ValidationFailed(
            {field: " ".join(messages) for field, messages in error.message_dict.items()}
        ) from None


def _validate_person(instance: StaffMember | Learner | Guardian, **options: Any) -> None:
    """Validate a staff member, learner or guardian, naming a reused MIS id as such."""
    external_id = instance.external_id
    if external_id:
        others = (
            type(instance)
            .objects.filter(organisation_id=instance.organisation_id, external_id=external_id)
            .exclude(pk=instance.pk)
        )
        if others.exists():
            kind = type(instance)._meta.verbose_name
            raise ValidationFailed(
                {
                    "external_id": f"{external_id} is already the id of another {kind}; "
                    "each id belongs to one record"
                }
            )
    full_clean_or_fail(instance, **options)


def _refuse_unknown(changes: Mapping[str, Any], allowed: Iterable[str], what: str) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationFailed(dict.fromkeys(unknown, f"is not {what}"))


@logged
def apply_changes(instance: Model, changes: Mapping[str, Any]) -> list[str]:
    """Set each changed value on ``instance``; return the names of the fields that changed."""
    changed = []
    for field, value in changes.items():
        if getattr(instance, field) != value:
            setattr(instance, field, value)
            changed.append(field)
    return sorted(changed)


# Organisations and sites ---------------------------------------------------------------------


@logged
def organisation_create(
    *,
    actor: User | None,
    name: str,
    slug: str,
    time_zone: str = "Europe/London",
    working_days: str = "12345",
    working_hours_start: time = time(8, 30),
    working_hours_end: time = time(17, 0),
    is_demo: bool = False,
) -> Organisation:
    if actor is not None:  # organisations are made by operators, never from inside one
        raise ValidationFailed({"organisation": "create organisations from the command line"})
    organisation = Organisation(
        name=name,
        slug=slug,
        time_zone=time_zone,
        working_days=working_days,
        working_hours_start=working_hours_start,
        working_hours_end=working_hours_end,
        is_demo=is_demo,
    )
    full_clean_or_fail(organisation)
    with transaction.atomic():
        organisation.save()
        record(action=AuditAction.ORGANISATION_CREATED, obj=organisation)
    return organisation


@logged
def organisation_update(
    *, actor: User | None, organisation: Organisation, **changes: Any
) -> Organisation:
    require(actor, Permission.MANAGE_ORGANISATION)
    require_same_organisation(actor, organisation)
    _refuse_unknown(changes, ORGANISATION_SETTINGS, "an organisation setting")
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
    *, actor: User | None, organisation: Organisation, name: str, address: str = ""
) -> Site:
    require(actor, Permission.MANAGE_ORGANISATION)
    require_same_organisation(actor, organisation)
    site = Site(organisation=organisation, name=name.strip(), address=address.strip())
    full_clean_or_fail(site)
    with transaction.atomic():
        site.save()
        record(action=AuditAction.SITE_CREATED, actor=actor, obj=site)
    return site


# Staff -----------------------------------------------------------------------------------------


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
)


@logged
def staff_create(
    *,
    actor: User | None,
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
    _validate_person(staff, exclude=["user"])
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
    actor: User | None,
    staff: StaffMember,
    full_name: str | None = None,
    email: str | None = None,
    **fields: Any,
) -> StaffMember:
    """Change a staff member's details. Changing the email address of someone who holds a
    privileged role needs a safeguarding lead (``privileges``); a refusal is audited."""
    require(actor, Permission.MANAGE_STAFF)
    require_same_organisation(actor, staff)
    _refuse_unknown(fields, STAFF_FIELDS, "a staff field")
    outcome = _staff_update(actor, staff, full_name=full_name, email=email, fields=fields)
    if isinstance(outcome, Refusal):
        raise refuse_staff_change(actor=actor, refusal=outcome)
    return outcome


def _staff_update(
    actor: User | None,
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
        _validate_person(staff, exclude=["user"])
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
def staff_set_roles(*, actor: User | None, staff: StaffMember, roles: Iterable[str]) -> StaffMember:
    """Give ``staff`` exactly ``roles``. Privileged roles need a safeguarding lead, and nobody
    changes their own (``privileges``); a refusal is audited and changes nothing."""
    require(actor, Permission.MANAGE_STAFF)
    require_same_organisation(actor, staff)
    outcome = _set_roles(actor, staff, _clean_roles(roles))
    if isinstance(outcome, Refusal):
        raise refuse_staff_change(actor=actor, refusal=outcome)
    return outcome


def _set_roles(actor: User | None, staff: StaffMember, roles: list[str]) -> StaffMember | Refusal:
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


# Learners and guardians -------------------------------------------------------------------------

LEARNER_FIELDS = (
    "external_id",
    "first_name",
    "last_name",
    "date_of_birth",
    "adult_at_risk",
    "year_group",
    "site",
    "email",
)


@logged
def learner_create(
    *,
    actor: User | None,
    organisation: Organisation,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    **fields: Any,
) -> Learner:
    require(actor, Permission.MANAGE_LEARNERS)
    require_same_organisation(actor, organisation)
    learner = Learner(
        organisation=organisation,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        date_of_birth=date_of_birth,
        **fields,
    )
    _validate_person(learner)
    with transaction.atomic():
        learner.save()
        record(action=AuditAction.LEARNER_CREATED, actor=actor, obj=learner)
    return learner


@logged
def learner_update(*, actor: User | None, learner: Learner, **changes: Any) -> Learner:
    require(actor, Permission.MANAGE_LEARNERS)
    require_same_organisation(actor, learner)
    _refuse_unknown(changes, LEARNER_FIELDS, "a learner field")
    with transaction.atomic():
        learner = Learner.objects.select_for_update().get(pk=learner.pk)
        changed = apply_changes(learner, changes)
        if not changed:
            return learner
        _validate_person(learner)
        learner.save()
        record(
            action=AuditAction.LEARNER_UPDATED,
            actor=actor,
            obj=learner,
            data={"changed": changed},
        )
    return learner


GUARDIAN_FIELDS = ("external_id", "full_name", "email", "phone", "preferred_contact")


@logged
def guardian_create(
    *, actor: User | None, organisation: Organisation, full_name: str, **fields: Any
) -> Guardian:
    require(actor, Permission.MANAGE_LEARNERS)
    require_same_organisation(actor, organisation)
    guardian = Guardian(organisation=organisation, full_name=full_name.strip(), **fields)
    _validate_person(guardian)
    with transaction.atomic():
        guardian.save()
        record(action=AuditAction.GUARDIAN_CREATED, actor=actor, obj=guardian)
    return guardian


@logged
def guardian_update(*, actor: User | None, guardian: Guardian, **changes: Any) -> Guardian:
    require(actor, Permission.MANAGE_LEARNERS)
    require_same_organisation(actor, guardian)
    _refuse_unknown(changes, GUARDIAN_FIELDS, "a guardian field")
    with transaction.atomic():
        guardian = Guardian.objects.select_for_update().get(pk=guardian.pk)
        changed = apply_changes(guardian, changes)
        if not changed:
            return guardian
        _validate_person(guardian)
        guardian.save()
        record(
            action=AuditAction.GUARDIAN_UPDATED,
            actor=actor,
            obj=guardian,
            data={"changed": changed},
        )
    return guardian


@logged
def guardian_link(
    *,
    actor: User | None,
    guardian: Guardian,
    learner: Learner,
    relationship: str,
    parental_responsibility: bool,
) -> GuardianRelationship:
    """Record (or change) how a guardian is related to a learner of the same organisation."""
    require(actor, Permission.MANAGE_LEARNERS)
    require_same_organisation(actor, guardian)
    require_same_organisation(actor, learner)
    if guardian.organisation_id != learner.organisation_id:
        raise ValidationFailed({"learner": "belongs to another organisation than the guardian"})
    with transaction.atomic():
        link = (
            GuardianRelationship.objects.select_for_update()
            .filter(guardian=guardian, learner=learner)
            .first()
        )
        if link is None:
            link = GuardianRelationship(
                organisation_id=guardian.organisation_id,
                guardian=guardian,
                learner=learner,
                relationship=relationship,
                parental_responsibility=parental_responsibility,
            )
            full_clean_or_fail(link, exclude=["guardian", "learner"])
            link.save()
            record(
                action=AuditAction.GUARDIAN_LINKED,
                actor=actor,
                obj=link,
                data={"guardian": guardian.pk, "learner": learner.pk},
            )
            return link
        changed = apply_changes(
            link,
            {"relationship": relationship, "parental_responsibility": parental_responsibility},
        )
        if changed:
            full_clean_or_fail(link, exclude=["guardian", "learner"])
            link.save()
            record(
                action=AuditAction.GUARDIAN_LINK_UPDATED,
                actor=actor,
                obj=link,
                data={"changed": changed},
            )
    return link


@logged
def guardian_unlink(*, actor: User | None, guardian: Guardian, learner: Learner) -> None:
    """Remove the link between a guardian and a learner (a mistaken link, or a carer who no
    longer cares for them). Both records stay; so does any consent the guardian gave, which
    is withdrawn on its own page if it should end too."""
    require(actor, Permission.MANAGE_LEARNERS)
    require_same_organisation(actor, guardian)
    require_same_organisation(actor, learner)
    with transaction.atomic():
        link = (
            GuardianRelationship.objects.select_for_update()
            .filter(guardian=guardian, learner=learner)
            .first()
        )
        if link is None:
            raise ValidationFailed({"guardian": f"{guardian} is not linked to {learner}"})
        facts = {
            "guardian": guardian.pk,
            "learner": learner.pk,
            "relationship": link.relationship,
            "parental_responsibility": link.parental_responsibility,
        }
        GuardianRelationship.objects.filter(pk=link.pk).delete()
        record(action=AuditAction.GUARDIAN_UNLINKED, actor=actor, obj=link, data=facts)


@logged
def guardian_create_for_learner(
    *,
    actor: User | None,
    learner: Learner,
    relationship: str,
    parental_responsibility: bool,
    full_name: str,
    **fields: Any,
) -> Guardian:
    """Add a guardian and link them to ``learner`` at once: both are written, or neither."""
    with transaction.atomic():
        guardian = guardian_create(
            actor=actor,
            organisation=Organisation.objects.get(pk=learner.organisation_id),
            full_name=full_name,
            **fields,
        )
        guardian_link(
            actor=actor,
            guardian=guardian,
            learner=learner,
            relationship=relationship,
            parental_responsibility=parental_responsibility,
        )
    return guardian

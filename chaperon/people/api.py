"""The JSON API for the organisation and its people.

Each operation goes through the same selectors, ``access_*`` helpers and services as the pages,
so a token can do exactly what its user could do signed in, and every change and sensitive read
is audited by the code that makes it.
"""

from dataclasses import asdict
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import P, PathEx, Query, Router, Status
from ninja.pagination import paginate

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.api_schemas import Pages, RecordId, errors
from chaperon.core.exceptions import NotFound, ValidationFailed

from . import selectors, services
from .api_schemas import (
    GuardianIn,
    GuardianOut,
    GuardianPatch,
    LearnerDetailOut,
    LearnerFilters,
    LearnerIn,
    LearnerOut,
    LearnerPatch,
    LinkIn,
    LinkOut,
    OrganisationOut,
    OrganisationPatch,
    RolesIn,
    StaffIn,
    StaffOut,
    StaffPatch,
)
from .compliance import Fact
from .models import (
    Guardian,
    GuardianRelationship,
    Learner,
    Organisation,
    Site,
    StaffMember,
    User,
)
from .permissions import (
    access_guardian,
    access_learner,
    access_staff,
    can,
    require,
    viewer_of,
)
from .roles import Permission

router = Router()

StaffId = PathEx[RecordId, P(description="The staff member's id (not their user id).")]
LearnerId = PathEx[RecordId, P(description="The learner's id.")]
GuardianId = PathEx[RecordId, P(description="The guardian's id.")]

# Organisation -----------------------------------------------------------------------------------


def _organisation_out(viewer: User, organisation: Organisation) -> dict[str, Any]:
    out = {
        name: getattr(organisation, name)
        for name in OrganisationOut.model_fields
        if name != "sites"
    }
    return out | {"sites": list(selectors.site_list_visible_to(viewer))}


@router.get(
    "/organisation",
    response={200: OrganisationOut, **errors(403)},
    summary="Your organisation's settings and sites",
    tags=["organisation"],
)
def organisation_read(request: HttpRequest) -> dict[str, Any]:
    viewer = viewer_of(request)
    return _organisation_out(viewer, selectors.organisation_for(viewer))


@router.patch(
    "/organisation",
    response={200: OrganisationOut, **errors(403, 422)},
    summary="Change your organisation's settings",
    tags=["organisation"],
)
def organisation_change(request: HttpRequest, payload: OrganisationPatch) -> dict[str, Any]:
    """Needs `manage_organisation`. Only the fields sent change."""
    viewer = viewer_of(request)
    organisation = services.organisation_update(
        actor=viewer,
        organisation=selectors.organisation_for(viewer),
        **payload.model_dump(exclude_unset=True),
    )
    return _organisation_out(viewer, organisation)


# References between records ---------------------------------------------------------------------


def _site(viewer: User, site_id: int) -> Site:
    site = selectors.site_list_visible_to(viewer).filter(pk=site_id).first()
    if site is None:
        raise ValidationFailed(
            {"site_id": "no site of your organisation has this id (see GET /api/organisation)"}
        )
    return site


def _line_manager(viewer: User, staff_id: int) -> StaffMember:
    try:
        return access_staff(viewer, staff_id)
    except NotFound:
        raise ValidationFailed(
            {"line_manager_id": "no staff member of your organisation has this id"}
        ) from None


def _model_fields(viewer: User, sent: dict[str, Any]) -> dict[str, Any]:
    """The request's fields as the services take them: records for ids, "" for no DBS type."""
    fields = dict(sent)
    if "site_id" in fields:
        site_id = fields.pop("site_id")
        fields["site"] = None if site_id is None else _site(viewer, site_id)
    if "line_manager_id" in fields:
        manager_id = fields.pop("line_manager_id")
        fields["line_manager"] = None if manager_id is None else _line_manager(viewer, manager_id)
    if "dbs_type" in fields and fields["dbs_type"] is None:
        fields["dbs_type"] = ""
    return fields


# Staff ------------------------------------------------------------------------------------------


def _staff_out(staff: StaffMember, facts: list[Fact] | None) -> dict[str, Any]:
    """A staff member, with compliance fields only when ``facts`` were read for the viewer
    (a key left out is left out of the response, not sent as null)."""
    out: dict[str, Any] = {
        "id": staff.pk,
        "user_id": staff.user_id,
        "email": staff.user.email,
        "full_name": staff.user.full_name,
        "is_active": staff.user.is_active,
        "external_id": staff.external_id,
        "job_title": staff.job_title,
        "site_id": staff.site_id,
        "line_manager_id": staff.line_manager_id,
        "roles": sorted(staff.role_set),
    }
    if facts is not None:
        out |= {
            "dbs_checked_on": staff.dbs_checked_on,
            "dbs_type": staff.dbs_type or None,
            "safeguarding_training_on": staff.safeguarding_training_on,
            "aup_signed_on": staff.aup_signed_on,
            "compliance": [asdict(fact) for fact in facts],
        }
    return out


def _staff_response(viewer: User, staff_id: int) -> dict[str, Any]:
    """The staff member as the viewer may see them (a compliance read is audited)."""
    detail = selectors.staff_detail_for(viewer, staff_id)
    return _staff_out(detail.staff, detail.facts)


@router.get(
    "/staff",
    response={200: list[StaffOut], **errors(403, 422)},
    exclude_unset=True,
    summary="List staff",
    tags=["staff"],
)
@paginate(Pages)
def staff_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Everyone on the staff of your organisation, by name. Compliance fields are included
    only for roles that may see them, and that read is audited."""
    viewer = viewer_of(request)
    if can(viewer, Permission.VIEW_STAFF_COMPLIANCE):
        rows = selectors.staff_compliance_visible_to(viewer)
        return [_staff_out(row.staff, row.facts) for row in rows]
    return [_staff_out(staff, None) for staff in selectors.staff_list_visible_to(viewer)]


@router.get(
    "/staff/{staff_id}",
    response={200: StaffOut, **errors(403, 404, 422)},
    exclude_unset=True,
    summary="Read a staff member",
    tags=["staff"],
)
def staff_read(request: HttpRequest, staff_id: StaffId) -> dict[str, Any]:
    return _staff_response(viewer_of(request), staff_id)


@router.post(
    "/staff",
    response={201: StaffOut, **errors(403, 422)},
    exclude_unset=True,
    summary="Add a staff member",
    tags=["staff"],
)
def staff_add(request: HttpRequest, payload: StaffIn) -> Status[dict[str, Any]]:
    """Needs `manage_staff`. No password is set: the new member sets one through "Forgotten
    your password, or never set one?" on the sign-in page."""
    viewer = viewer_of(request)
    require(viewer, Permission.MANAGE_STAFF)  # before looking up the records it names
    staff = services.staff_create(
        actor=viewer,
        organisation=selectors.organisation_for(viewer),
        **_model_fields(viewer, payload.model_dump()),
    )
    return Status(201, _staff_response(viewer, staff.pk))


@router.patch(
    "/staff/{staff_id}",
    response={200: StaffOut, **errors(403, 404, 422)},
    exclude_unset=True,
    summary="Change a staff member",
    tags=["staff"],
)
def staff_change(request: HttpRequest, staff_id: StaffId, payload: StaffPatch) -> dict[str, Any]:
    """Needs `manage_staff`. Only the fields sent change; send null to clear a date."""
    viewer = viewer_of(request)
    staff = access_staff(viewer, staff_id)
    require(viewer, Permission.MANAGE_STAFF)
    staff = services.staff_update(
        actor=viewer,
        staff=staff,
        **_model_fields(viewer, payload.model_dump(exclude_unset=True)),
    )
    return _staff_response(viewer, staff.pk)


@router.put(
    "/staff/{staff_id}/roles",
    response={200: StaffOut, **errors(403, 404, 422)},
    exclude_unset=True,
    summary="Set a staff member's roles",
    tags=["staff"],
)
def staff_roles_set(request: HttpRequest, staff_id: StaffId, payload: RolesIn) -> dict[str, Any]:
    """Needs `manage_staff`. Replaces the staff member's roles with exactly those sent."""
    viewer = viewer_of(request)
    staff = services.staff_set_roles(
        actor=viewer,
        staff=access_staff(viewer, staff_id),
        roles=[role.value for role in payload.roles],
    )
    return _staff_response(viewer, staff.pk)


# Learners ---------------------------------------------------------------------------------------


@router.get(
    "/learners",
    response={200: list[LearnerOut], **errors(403, 422)},
    summary="List or search learners",
    tags=["learners"],
)
@paginate(Pages)
def learner_list(request: HttpRequest, filters: Query[LearnerFilters]) -> QuerySet[Learner]:
    """Sorted by last name, then first name. Each call is written to the audit log: it lists
    dates of birth and adults at risk."""
    viewer = viewer_of(request)
    learners = selectors.learner_list_visible_to(
        viewer,
        search=filters.search,
        year_group=filters.year_group,
        tutor_group=filters.tutor_group,
    )
    # No search text in the log: it is often a name.
    listed = {
        "searched": bool(filters.search),
        "year_group": filters.year_group,
        "tutor_group": filters.tutor_group,
    }
    record(action=AuditAction.LEARNER_LIST_READ, actor=viewer, data=listed)
    return learners


@router.get(
    "/learners/{learner_id}",
    response={200: LearnerDetailOut, **errors(403, 404, 422)},
    summary="Read a learner with their guardians",
    tags=["learners"],
)
def learner_read(request: HttpRequest, learner_id: LearnerId) -> Learner:
    """Every read of a learner's record is written to the audit log."""
    return selectors.learner_detail_for(viewer_of(request), learner_id)


@router.post(
    "/learners",
    response={201: LearnerOut, **errors(403, 422)},
    summary="Add a learner",
    tags=["learners"],
)
def learner_add(request: HttpRequest, payload: LearnerIn) -> Status[Learner]:
    """Needs `manage_learners`."""
    viewer = viewer_of(request)
    require(viewer, Permission.MANAGE_LEARNERS)  # before looking up the site it names
    learner = services.learner_create(
        actor=viewer,
        organisation=selectors.organisation_for(viewer),
        **_model_fields(viewer, payload.model_dump()),
    )
    return Status(201, learner)


@router.patch(
    "/learners/{learner_id}",
    response={200: LearnerOut, **errors(403, 404, 422)},
    summary="Change a learner",
    tags=["learners"],
)
def learner_change(request: HttpRequest, learner_id: LearnerId, payload: LearnerPatch) -> Learner:
    """Needs `manage_learners`. Only the fields sent change."""
    viewer = viewer_of(request)
    learner = access_learner(viewer, learner_id)
    require(viewer, Permission.MANAGE_LEARNERS)
    return services.learner_update(
        actor=viewer,
        learner=learner,
        **_model_fields(viewer, payload.model_dump(exclude_unset=True)),
    )


# Guardians --------------------------------------------------------------------------------------


@router.get(
    "/guardians",
    response={200: list[GuardianOut], **errors(403, 422)},
    summary="List guardians",
    tags=["guardians"],
)
@paginate(Pages)
def guardian_list(request: HttpRequest) -> QuerySet[Guardian]:
    """Parents and carers, by name, each with the learners they are linked to. Each call is
    written to the audit log: it lists contact details."""
    viewer = viewer_of(request)
    guardians = selectors.guardian_list_visible_to(viewer)
    record(action=AuditAction.GUARDIAN_LIST_READ, actor=viewer)
    return guardians


@router.get(
    "/guardians/{guardian_id}",
    response={200: GuardianOut, **errors(403, 404, 422)},
    summary="Read a guardian",
    tags=["guardians"],
)
def guardian_read(request: HttpRequest, guardian_id: GuardianId) -> Guardian:
    return selectors.guardian_detail_for(viewer_of(request), guardian_id)


@router.post(
    "/guardians",
    response={201: GuardianOut, **errors(403, 422)},
    summary="Add a guardian",
    tags=["guardians"],
)
def guardian_add(request: HttpRequest, payload: GuardianIn) -> Status[Guardian]:
    """Needs `manage_learners`. Link them to learners with
    `PUT /api/learners/{learner_id}/guardians/{guardian_id}`."""
    viewer = viewer_of(request)
    guardian = services.guardian_create(
        actor=viewer, organisation=selectors.organisation_for(viewer), **payload.model_dump()
    )
    return Status(201, selectors.guardian_detail_for(viewer, guardian.pk))


@router.patch(
    "/guardians/{guardian_id}",
    response={200: GuardianOut, **errors(403, 404, 422)},
    summary="Change a guardian",
    tags=["guardians"],
)
def guardian_change(
    request: HttpRequest, guardian_id: GuardianId, payload: GuardianPatch
) -> Guardian:
    """Needs `manage_learners`. Only the fields sent change."""
    viewer = viewer_of(request)
    guardian = services.guardian_update(
        actor=viewer,
        guardian=access_guardian(viewer, guardian_id),
        **payload.model_dump(exclude_unset=True),
    )
    return selectors.guardian_detail_for(viewer, guardian.pk)


@router.put(
    "/learners/{learner_id}/guardians/{guardian_id}",
    response={200: LinkOut, **errors(403, 404, 422)},
    summary="Link a guardian to a learner",
    tags=["guardians"],
)
def guardian_link_set(
    request: HttpRequest, learner_id: LearnerId, guardian_id: GuardianId, payload: LinkIn
) -> GuardianRelationship:
    """Needs `manage_learners`. Records how the guardian is related to the learner, or changes
    it if they are already linked."""
    viewer = viewer_of(request)
    return services.guardian_link(
        actor=viewer,
        learner=access_learner(viewer, learner_id),
        guardian=access_guardian(viewer, guardian_id),
        relationship=payload.relationship.value,
        parental_responsibility=payload.parental_responsibility,
    )


@router.delete(
    "/learners/{learner_id}/guardians/{guardian_id}",
    response={204: None, **errors(403, 404, 422)},
    summary="Unlink a guardian from a learner",
    tags=["guardians"],
)
def guardian_link_remove(
    request: HttpRequest, learner_id: LearnerId, guardian_id: GuardianId
) -> Status[None]:
    """Needs `manage_learners`. Both records stay; only the relationship between them ends."""
    viewer = viewer_of(request)
    services.guardian_unlink(
        actor=viewer,
        learner=access_learner(viewer, learner_id),
        guardian=access_guardian(viewer, guardian_id),
    )
    return Status(204, None)

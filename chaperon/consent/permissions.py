"""Who may do what with consent, by role, and ``access_*`` helpers that enforce it.

Records of another organisation are answered as "not found", never "forbidden".
"""

from enum import StrEnum

from chaperon.core.actors import SystemActor
from chaperon.core.exceptions import NotFound, PermissionDenied
from chaperon.people.models import Learner, StaffMember, User
from chaperon.people.roles import Role

from .models import ConsentEvidence


class ConsentPermission(StrEnum):
    VIEW_AND_REQUEST = "view_and_request"
    RECORD = "record"
    WITHDRAW = "withdraw"
    EDIT_STATEMENT = "edit_statement"


_LEADS = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.ADMINISTRATOR})

GRANTS: dict[ConsentPermission, frozenset[Role]] = {
    # See which consents are in place and send requests.
    ConsentPermission.VIEW_AND_REQUEST: _LEADS | {Role.SENIOR_LEADER, Role.TEACHER},
    # Record consent given another way (with its evidence), own-recording agreements, employer
    # consent for contracted staff; open evidence files.
    ConsentPermission.RECORD: _LEADS,
    # Record a withdrawal someone made by phone, in person or by letter.
    ConsentPermission.WITHDRAW: _LEADS,
    # Change the consent statement, the recording policy and the consent settings.
    ConsentPermission.EDIT_STATEMENT: _LEADS,
}


def can(viewer: User, permission: ConsentPermission) -> bool:
    return bool(viewer.is_active) and not viewer.roles.isdisjoint(GRANTS[permission])


def require(viewer: User | SystemActor, permission: ConsentPermission) -> None:
    """Raise unless ``viewer`` may; the system (a command or task) may."""
    if isinstance(viewer, User) and not can(viewer, permission):
        raise PermissionDenied("Your role does not allow this.")


def require_same_organisation(viewer: User | SystemActor, organisation_id: int) -> None:
    if isinstance(viewer, User) and viewer.organisation_id != organisation_id:
        raise NotFound("No such record.")


def access_learner(viewer: User, learner_id: int, permission: ConsentPermission) -> Learner:
    require(viewer, permission)
    try:
        return Learner.objects.get(pk=learner_id, organisation_id=viewer.organisation_id)
    except Learner.DoesNotExist:
        raise NotFound("No such learner.") from None


def access_evidence(
    viewer: User, evidence_id: int, permission: ConsentPermission
) -> ConsentEvidence:
    require(viewer, permission)
    try:
        return ConsentEvidence.objects.select_related("learner").get(
            pk=evidence_id, organisation_id=viewer.organisation_id
        )
    except ConsentEvidence.DoesNotExist:
        raise NotFound("No such evidence.") from None


def access_staff(viewer: User, staff_id: int, permission: ConsentPermission) -> StaffMember:
    require(viewer, permission)
    try:
        return StaffMember.objects.select_related("user").get(
            pk=staff_id, organisation_id=viewer.organisation_id
        )
    except StaffMember.DoesNotExist:
        raise NotFound("No such staff member.") from None


def own_staff_record(viewer: User) -> StaffMember:
    """The signed-in person's own staff record: every member of staff answers for themself."""
    staff = StaffMember.objects.filter(user=viewer).first()
    if staff is None or not viewer.is_active:
        raise PermissionDenied("Only members of staff give consent to be recorded here.")
    return staff

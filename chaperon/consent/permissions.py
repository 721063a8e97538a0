"""``access_*`` helpers that enforce who may do what with consent.

Records of another organisation are answered as "not found", never "forbidden".
"""

from chaperon.core.actors import SystemActor
from chaperon.core.exceptions import NotFound, PermissionDenied
from chaperon.people.models import Learner, StaffMember, User
from chaperon.people.permissions import can, require
from chaperon.people.roles import Permission

from .models import ConsentEvidence

# Who may do what with consent is in the one table, ``people.roles.TABLE``: the rows
# VIEW_AND_REQUEST_CONSENT, RECORD_CONSENT, WITHDRAW_CONSENT and EDIT_CONSENT_STATEMENT.
__all__ = ["can", "require"]


def require_same_organisation(viewer: User | SystemActor, organisation_id: int) -> None:
    if isinstance(viewer, User) and viewer.organisation_id != organisation_id:
        raise NotFound("No such record.")


def access_learner(viewer: User, learner_id: int, permission: Permission) -> Learner:
    require(viewer, permission)
    try:
        return Learner.objects.get(pk=learner_id, organisation_id=viewer.organisation_id)
    except Learner.DoesNotExist:
        raise NotFound("No such learner.") from None


def access_evidence(viewer: User, evidence_id: int, permission: Permission) -> ConsentEvidence:
    require(viewer, permission)
    try:
        return ConsentEvidence.objects.select_related("learner").get(
            pk=evidence_id, organisation_id=viewer.organisation_id
        )
    except ConsentEvidence.DoesNotExist:
        raise NotFound("No such evidence.") from None


def access_staff(viewer: User, staff_id: int, permission: Permission) -> StaffMember:
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

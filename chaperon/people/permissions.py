"""``access_*`` helpers: fetch what the viewer asked for and enforce that they may see it.

Records of another organisation are answered as "not found", never "forbidden", so that
nobody learns what another organisation holds.
"""

from django.db.models import Model
from django.http import HttpRequest

from chaperon.core.actors import SystemActor
from chaperon.core.exceptions import NotFound, PermissionDenied

from .models import Guardian, Learner, Organisation, StaffMember, User
from .roles import Permission, roles_grant


def can(viewer: User, permission: Permission) -> bool:
    return bool(viewer.is_active) and roles_grant(viewer.roles, permission)


def require(viewer: User | SystemActor | None, permission: Permission) -> None:
    """Raise unless ``viewer`` holds ``permission``. The system (a command line) may; ``None``,
    from callers not yet explicit, is the system."""
    if isinstance(viewer, User) and not can(viewer, permission):
        raise PermissionDenied("Your role does not allow this.")


def require_same_organisation(viewer: User | SystemActor | None, record: Model) -> None:
    """Answer "not found" when ``record`` (or the organisation itself) is not the viewer's.
    The system (or ``None``, as for ``require``) reaches every organisation."""
    if not isinstance(viewer, User):
        return
    owner = (
        record.pk if isinstance(record, Organisation) else getattr(record, "organisation_id", None)
    )
    if owner != viewer.organisation_id:
        raise NotFound("No such record.")


def access_learner(viewer: User, learner_id: int) -> Learner:
    require(viewer, Permission.VIEW_LEARNERS)
    try:
        return Learner.objects.select_related("site").get(
            pk=learner_id, organisation_id=viewer.organisation_id
        )
    except Learner.DoesNotExist:
        raise NotFound("No such learner.") from None


def access_staff(viewer: User, staff_id: int) -> StaffMember:
    require(viewer, Permission.VIEW_STAFF)
    try:
        return StaffMember.objects.select_related("user", "site").get(
            pk=staff_id, organisation_id=viewer.organisation_id
        )
    except StaffMember.DoesNotExist:
        raise NotFound("No such staff member.") from None


def access_guardian(viewer: User, guardian_id: int) -> Guardian:
    require(viewer, Permission.VIEW_LEARNERS)
    try:
        return Guardian.objects.get(pk=guardian_id, organisation_id=viewer.organisation_id)
    except Guardian.DoesNotExist:
        raise NotFound("No such guardian.") from None


def viewer_of(request: HttpRequest) -> User:
    """The signed-in user of a request handled behind ``login_required``."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in first.")
    return user

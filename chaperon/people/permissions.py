"""``access_*`` helpers: fetch what the viewer asked for and enforce that they may see it.

Records of another organisation are answered as "not found", never "forbidden", so that
nobody learns what another organisation holds.
"""

from collections.abc import Callable, Iterable

from django.db.models import Model
from django.http import HttpRequest

from chaperon.core.actors import SystemActor
from chaperon.core.exceptions import NotFound, PermissionDenied

from .models import Guardian, Learner, Organisation, StaffMember, Trust, TrustMembership, User
from .roles import (
    Permission,
    Role,
    TrustPermission,
    organisation_chooses,
    roles_with,
    trust_roles_grant,
)

# For each permission an organisation settles for itself (``roles.Grant``), the app that keeps
# the setting answers which roles the organisation chose: organisation id -> role values, or
# None where it has not chosen (the table's default holds).
_choices: dict[Permission, Callable[[int], Iterable[str] | None]] = {}


def register_organisation_choice(
    permission: Permission, chosen_roles: Callable[[int], Iterable[str] | None]
) -> None:
    """Called from the ``ready()`` of the app that keeps the organisation's setting."""
    _choices[permission] = chosen_roles


def roles_holding(organisation_id: int, permission: Permission) -> frozenset[Role]:
    """The roles that hold ``permission`` in the organisation: as ``roles.TABLE`` and, for the
    permissions it leaves to each organisation, the organisation's setting say."""
    if not organisation_chooses(permission):
        return roles_with(permission)
    return roles_with(permission, chosen=_choices[permission](organisation_id))


def can(viewer: User, permission: Permission) -> bool:
    """Whether ``viewer``'s roles hold ``permission`` in their organisation."""
    return bool(viewer.is_active) and not viewer.roles.isdisjoint(
        roles_holding(viewer.organisation_id, permission)
    )


class May:
    """``may`` in every page's template (``{% if may.book_sessions %}``): what the signed-in
    user's roles let them do, from the same table as everything else. Each permission is
    answered when a template first asks; an unknown name answers nothing, which is false."""

    def __init__(self, viewer: User) -> None:
        self._viewer = viewer
        self._answers: dict[Permission, bool] = {}

    def __getitem__(self, name: str) -> bool:
        permission = Permission(name)  # ValueError: the template falls back to nothing
        if permission not in self._answers:
            self._answers[permission] = can(self._viewer, permission)
        return self._answers[permission]


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


def trust_roles_of(viewer: User, trust_id: int) -> frozenset[str]:
    """The roles ``viewer`` holds in the trust (none for someone no longer active)."""
    if not viewer.is_active:
        return frozenset()
    return frozenset(
        TrustMembership.objects.filter(user=viewer, trust_id=trust_id).values_list(
            "role", flat=True
        )
    )


def can_in_trust(viewer: User, trust_id: int, permission: TrustPermission) -> bool:
    """Whether ``viewer``'s roles in the trust hold ``permission`` (the trust table of
    ``roles.py``). Staff roles in a school grant nothing in its trust."""
    return trust_roles_grant(trust_roles_of(viewer, trust_id), permission)


def access_trust(viewer: User, trust_id: int) -> Trust:
    """The trust, for one of its members. Anyone else is told "not found", never
    "forbidden", whether or not the trust exists."""
    if not can_in_trust(viewer, trust_id, TrustPermission.VIEW_TRUST_OVERVIEW):
        raise NotFound("No such trust.")
    return Trust.objects.get(pk=trust_id)


def viewer_of(request: HttpRequest) -> User:
    """The signed-in user of a request handled behind ``login_required``."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in first.")
    return user

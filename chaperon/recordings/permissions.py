"""Who may do what with recordings. Records of another organisation are "not found".

Playing a recording is for the roles the organisation's recording policy names (by default
the DSL and their deputies); holding one as evidence, and changing who may play, is for the
DSL and their deputies alone (INC-4).
"""

from chaperon.core.exceptions import NotFound, PermissionDenied
from chaperon.people.models import User
from chaperon.people.roles import Role

from .models import DEFAULT_PLAYBACK_ROLES, Recording, RecordingAccess

HOLD_ROLES = frozenset({Role.DSL, Role.DEPUTY_DSL})
ACCESS_POLICY_ROLES = frozenset({Role.DSL})


def playback_roles(organisation_id: int) -> frozenset[str]:
    found = RecordingAccess.objects.filter(organisation_id=organisation_id).first()
    return frozenset(found.roles if found else DEFAULT_PLAYBACK_ROLES)


def may_play(viewer: User) -> bool:
    return bool(viewer.is_active) and not viewer.roles.isdisjoint(
        playback_roles(viewer.organisation_id)
    )


def may_hold(viewer: User) -> bool:
    return bool(viewer.is_active) and not viewer.roles.isdisjoint(HOLD_ROLES)


def may_see_recordings(viewer: User) -> bool:
    """The recordings page: those who may play recordings or hold them."""
    return may_play(viewer) or may_hold(viewer)


def may_change_access(viewer: User) -> bool:
    return bool(viewer.is_active) and not viewer.roles.isdisjoint(ACCESS_POLICY_ROLES)


def require_may_see(viewer: User) -> None:
    if not may_see_recordings(viewer):
        raise PermissionDenied("Your role does not give access to recordings.")


def require_may_play(viewer: User) -> None:
    if not may_play(viewer):
        raise PermissionDenied(
            "Your organisation's recording policy does not let your role play recordings."
        )


def require_may_hold(viewer: User) -> None:
    if not may_hold(viewer):
        raise PermissionDenied("Only the DSL and their deputies can hold recordings as evidence.")


def access_recording(viewer: User, recording_id: int) -> Recording:
    """A recording of the viewer's organisation that they may see; otherwise "not found"."""
    require_may_see(viewer)
    recording = (
        Recording.objects.select_related("session")
        .filter(pk=recording_id, organisation_id=viewer.organisation_id)
        .first()
    )
    if recording is None:
        raise NotFound("No such recording.")
    return recording

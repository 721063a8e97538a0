"""Who may do what with recordings. Records of another organisation are "not found".

Playing a recording is for the roles the organisation's recording policy names (by default
the DSL and their deputies); holding one as evidence is for the DSL and their deputies alone
(INC-4), and changing who may play for the DSL. The roles are in the one table,
``people.roles.TABLE``: PLAY_RECORDINGS (each organisation chooses, within the table, here),
HOLD_RECORDINGS and CHOOSE_WHO_PLAYS_RECORDINGS.
"""

from chaperon.core.exceptions import NotFound, PermissionDenied
from chaperon.people.models import User
from chaperon.people.permissions import can, roles_holding
from chaperon.people.roles import Permission, Role

from .models import Recording, RecordingAccess


def chosen_playback_roles(organisation_id: int) -> list[str] | None:
    """The roles the organisation chose to play its recordings, or None if it has not chosen."""
    found = RecordingAccess.objects.filter(organisation_id=organisation_id).first()
    return None if found is None else found.roles


def playback_roles(organisation_id: int) -> frozenset[Role]:
    return roles_holding(organisation_id, Permission.PLAY_RECORDINGS)


def may_play(viewer: User) -> bool:
    """As the organisation's recording policy chooses, within the table."""
    return can(viewer, Permission.PLAY_RECORDINGS)


def may_hold(viewer: User) -> bool:
    return can(viewer, Permission.HOLD_RECORDINGS)


def may_see_recordings(viewer: User) -> bool:
    """The recordings page: those who may play recordings or hold them."""
    return may_play(viewer) or may_hold(viewer)


def may_change_access(viewer: User) -> bool:
    return can(viewer, Permission.CHOOSE_WHO_PLAYS_RECORDINGS)


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

"""Every change to recordings: making them (called by the live room), playing them, holding
them as evidence, who may play them, destroying them (``destruction``) and moving their keys
under a new key (``rewrap``)."""

from .access import recording_access_set
from .destruction import (
    destroy_expired,
    destroy_if_due,
    destroy_withdrawn_leftovers,
    recording_destroy,
)
from .holds import CASE_REFERENCE_LENGTH, recording_hold_place, recording_hold_release
from .making import (
    Appearance,
    recording_add_appearance,
    recording_begin,
    recording_finish,
    recording_mark_interrupted,
    track_gap,
    track_open,
)
from .playing import recording_integrity_failed, recording_play
from .reactions import destroy_for_withdrawn_consent
from .rewrap import rewrap_all

__all__ = [
    "CASE_REFERENCE_LENGTH",
    "Appearance",
    "destroy_expired",
    "destroy_for_withdrawn_consent",
    "destroy_if_due",
    "destroy_withdrawn_leftovers",
    "recording_access_set",
    "recording_add_appearance",
    "recording_begin",
    "recording_destroy",
    "recording_finish",
    "recording_hold_place",
    "recording_hold_release",
    "recording_integrity_failed",
    "recording_mark_interrupted",
    "recording_play",
    "rewrap_all",
    "track_gap",
    "track_open",
]

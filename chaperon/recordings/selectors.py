"""Reads of recordings, scoped to what the viewer may see."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import NotFound
from chaperon.people.models import User

from .models import (
    DestructionCertificate,
    LegalHold,
    Recording,
    RecordingStatus,
    Track,
)
from .permissions import access_recording, playback_roles, require_may_see


def _active_holds() -> Exists:
    return Exists(LegalHold.objects.filter(recording=OuterRef("pk"), released_at__isnull=True))


@dataclass(frozen=True)
class RecordingsPage:
    recordings: Sequence[Recording]  # not destroyed, newest first; ``held`` annotated
    holds: list[LegalHold]  # standing holds
    certificates: list[DestructionCertificate]  # recent destructions
    playback_roles: frozenset[str]


def recordings_page_for(viewer: User) -> RecordingsPage:
    require_may_see(viewer)
    organisation_id = viewer.organisation_id
    recordings = list(
        Recording.objects.filter(organisation_id=organisation_id)
        .exclude(status=RecordingStatus.DESTROYED)
        .select_related("session")
        .annotate(held=_active_holds())
        .order_by("-started_at", "-id")[:200]
    )
    holds = list(
        LegalHold.objects.filter(organisation_id=organisation_id, released_at__isnull=True)
        .select_related("recording__session", "placed_by")
        .order_by("-placed_at")
    )
    certificates = list(
        DestructionCertificate.objects.filter(organisation_id=organisation_id).order_by(
            "-destroyed_at", "-id"
        )[:100]
    )
    return RecordingsPage(recordings, holds, certificates, playback_roles(organisation_id))


@dataclass(frozen=True)
class TrackView:
    track: Track
    offset_seconds: float  # from the earliest track's start
    gaps: list[tuple[float, float]]  # seconds from this track's start
    # How long it ran, from its first chunk to its writer closing it (None if never closed):
    # the player's length before the browser knows it (a WebM from a browser's recorder
    # names none).
    duration_seconds: float | None = None


@dataclass(frozen=True)
class RecordingDetail:
    recording: Recording
    appearances: list[str]
    tracks: list[TrackView]
    holds: list[LegalHold]
    certificate: DestructionCertificate | None

    @property
    def held(self) -> bool:
        return any(hold.active for hold in self.holds)


def _seconds(later: datetime, earlier: datetime) -> float:
    return round((later - earlier).total_seconds(), 3)


def recording_detail_for(viewer: User, recording_id: int) -> RecordingDetail:
    """A recording with its tracks, holds and certificate. Reading it is audited: its page
    names who appears in it."""
    recording = access_recording(viewer, recording_id)
    record(action=AuditAction.RECORDING_VIEWED, actor=viewer, obj=recording)
    tracks = list(recording.tracks.prefetch_related(Prefetch("gaps")).order_by("number"))
    origin = min((track.started_at for track in tracks), default=recording.started_at)
    return RecordingDetail(
        recording=recording,
        appearances=list(recording.appearances.values_list("label", flat=True)),
        tracks=[
            TrackView(
                track=track,
                offset_seconds=_seconds(track.started_at, origin),
                gaps=[
                    (
                        _seconds(gap.started_at, track.started_at),
                        _seconds(gap.ended_at, gap.started_at),
                    )
                    for gap in track.gaps.all()
                ],
                duration_seconds=_seconds(track.ended_at, track.started_at)
                if track.ended_at
                else None,
            )
            for track in tracks
        ],
        holds=list(recording.holds.select_related("placed_by", "released_by")),
        certificate=DestructionCertificate.objects.filter(recording=recording).first(),
    )


def track_of(recording: Recording, number: int) -> Track:
    track = (
        Track.objects.select_related("recording").filter(recording=recording, number=number).first()
    )
    if track is None:
        raise NotFound("No such track.")
    return track


def certificate_by_token(token: str) -> DestructionCertificate:
    """A certificate for whoever holds its link (a guardian told of the destruction)."""
    certificate = (
        DestructionCertificate.objects.select_related("organisation").filter(token=token).first()
    )
    if certificate is None or not token:
        raise NotFound("No such certificate.")
    return certificate


def recording_figures_by_organisation(organisation_ids: list[int]) -> dict[int, dict[str, int]]:
    """For each organisation, the recordings it keeps (not destroyed) and how many of those
    are held as evidence: {"kept", "held"}. Counts only, one query, for organisations the
    caller has already found the viewer may see (a trust's figures)."""
    rows = (
        Recording.objects.filter(organisation_id__in=organisation_ids)
        .exclude(status=RecordingStatus.DESTROYED)
        .annotate(held=_active_holds())
        .values("organisation_id")
        .annotate(kept=Count("pk"), held_count=Count("pk", filter=Q(held=True)))
        .order_by()
    )
    return {
        row["organisation_id"]: {"kept": row["kept"], "held": row["held_count"]} for row in rows
    }


# A recording destroyed within a day of the end of its retention is on time: the destruction
# runs daily.
DESTRUCTION_GRACE = timedelta(days=1)


def recording_destruction_figures(
    organisation_id: int, *, since: datetime, until: datetime, now: datetime
) -> dict[str, int]:
    """Recordings whose retention ended in [since, until) (and before ``now``): how many were
    destroyed on time, late, or are still kept (held as evidence, or overdue): {"due",
    "on_time", "late", "kept"}. Counts only, one aggregate query (ORG-6)."""
    figures = Recording.objects.filter(
        organisation_id=organisation_id,
        retain_until__gte=since,
        retain_until__lt=min(until, now),
    ).aggregate(
        due=Count("pk"),
        on_time=Count(
            "pk",
            filter=Q(
                status=RecordingStatus.DESTROYED,
                destroyed_at__lte=F("retain_until") + DESTRUCTION_GRACE,
            ),
        ),
        late=Count(
            "pk",
            filter=Q(
                status=RecordingStatus.DESTROYED,
                destroyed_at__gt=F("retain_until") + DESTRUCTION_GRACE,
            ),
        ),
    )
    return {
        "due": figures["due"],
        "on_time": figures["on_time"],
        "late": figures["late"],
        "kept": figures["due"] - figures["on_time"] - figures["late"],
    }

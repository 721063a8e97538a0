"""Recordings kept as evidence (INC-3, INC-4, REC-7): holds placed by the DSL, and holds placed
by Chaperon the moment a case is raised from a session or about a learner in a recording.

A hold and the destruction of a recording exclude each other through the recording's row: a
destruction locks the row, then looks for a standing hold (``destruction.recording_destroy``);
a hold locks the rows of every recording it is about before writing. Whichever comes second
waits for the first to commit, then sees its outcome: a recording already destroyed is not
held, and a held recording is not destroyed. On SQLite, where every write transaction takes
the database's write lock when it begins, the two cannot interleave at all.
"""

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.cases import EvidenceRequest
from chaperon.core.chronology import ChronologyEntry
from chaperon.people.models import User

from .models import LegalHold, Recording, RecordingAppearance, RecordingStatus

CHAPERON_LABEL = "Chaperon, when the concern was raised"


def place_hold(
    recording: Recording,
    *,
    case_reference: str,
    reason: str,
    placed_by: User | None,
    actor: User | None,
) -> LegalHold:
    """Write one hold and its audit event. Call inside a transaction holding the recording's
    row lock. ``placed_by`` is the DSL or deputy who chose to hold it, or None when Chaperon
    holds it on ``actor``'s raising a case."""
    hold = LegalHold.objects.create(
        organisation_id=recording.organisation_id,
        recording=recording,
        case_reference=case_reference,
        reason=reason,
        placed_by=placed_by,
        placed_by_label="" if placed_by else CHAPERON_LABEL,
        placed_at=timezone.now(),
    )
    record(
        action=AuditAction.RECORDING_HOLD_PLACED,
        actor=placed_by or actor,
        actor_label="" if placed_by or actor else CHAPERON_LABEL,
        obj=hold,
        reason=reason,
        data={"recording": recording.pk, "case_reference": case_reference}
        | ({} if placed_by else {"automatic": True}),
    )
    return hold


def _concerned(request: EvidenceRequest) -> list[int]:
    about = Q(pk__in=[])
    if request.session_id is not None:
        about |= Q(session_id=request.session_id)
    if request.learner_ids:
        about |= Q(
            pk__in=RecordingAppearance.objects.filter(learner_id__in=request.learner_ids).values(
                "recording_id"
            )
        )
    return list(
        Recording.objects.filter(about, organisation_id=request.organisation_id)
        .exclude(status=RecordingStatus.DESTROYED)
        .values_list("pk", flat=True)
    )


def hold_for_case(request: EvidenceRequest) -> int:
    """Hold for the case every recording of the session and every recording in which one of
    the learners appears, unless destroyed already or held for that case. Registered with
    ``chaperon.core.cases``: the caller (the app that keeps cases) runs it inside the
    transaction that records the case, and guarantees the case exists. Returns how many
    recordings it newly held."""
    actor = request.actor if isinstance(request.actor, User) else None
    held = 0
    with transaction.atomic():
        # Locked in id order, so that two holds never wait on each other crosswise.
        recordings = (
            Recording.objects.select_for_update()
            .filter(pk__in=_concerned(request))
            .exclude(status=RecordingStatus.DESTROYED)
            .order_by("pk")
        )
        for recording in recordings:
            if LegalHold.objects.filter(
                recording=recording,
                case_reference=request.case_reference,
                released_at__isnull=True,
            ).exists():
                continue
            place_hold(
                recording,
                case_reference=request.case_reference,
                reason=request.reason,
                placed_by=None,
                actor=actor,
            )
            held += 1
    return held


def held_about(learner_id: int) -> int:
    """How many recordings not destroyed, and held, the learner appears in."""
    standing = LegalHold.objects.filter(recording=OuterRef("pk"), released_at__isnull=True)
    return (
        Recording.objects.filter(Exists(standing), appearances__learner_id=learner_id)
        .exclude(status=RecordingStatus.DESTROYED)
        .distinct()
        .count()
    )


def hold_chronology(viewer: User, learner_id: int) -> list[ChronologyEntry]:
    """Holds on the recordings the learner appears in, placed and released, for the learner's
    chronology (read by the DSL and deputies of the organisation)."""
    holds = LegalHold.objects.filter(
        organisation_id=viewer.organisation_id,
        recording__appearances__learner_id=learner_id,
    ).select_related("recording__session", "placed_by", "released_by")
    zone = viewer.organisation.zone
    entries = []
    for hold in holds.distinct():
        session = hold.recording.session
        what = f"Recording of {session.title} ({session.start.astimezone(zone):%d %b %Y})"
        entries.append(
            ChronologyEntry(
                at=hold.placed_at,
                kind="Evidence",
                title=f"{what} held as evidence for {hold.case_reference}",
                detail=f"By {hold.placed_by_name}: {hold.reason}",
                case_reference=hold.case_reference,
                session_id=session.pk,
            )
        )
        if hold.released_at is not None:
            released_by = hold.released_by.full_name if hold.released_by else ""
            entries.append(
                ChronologyEntry(
                    at=hold.released_at,
                    kind="Evidence",
                    title=f"{what}: hold for {hold.case_reference} released",
                    detail=f"By {released_by}: {hold.release_reason}",
                    case_reference=hold.case_reference,
                    session_id=session.pk,
                )
            )
    return entries

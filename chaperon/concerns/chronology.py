"""A learner's safeguarding chronology (KCSIE): every concern, decision and its reason,
referral, session, consent event, room event and hold on a recording, in time order, for the
DSL and deputies; as a page and as a PDF for a referral or a transfer. Each read is audited.

Concerns about the learner, and concerns the DSL chose to show here too (about a brother or
sister, another family member: ``ConcernLink``), appear only for a viewer who may open them,
so a restricted allegation never shows to anyone else. The live room and the vault add their
entries through ``chaperon.core.chronology`` (concerns import neither); an entry naming a case
the viewer may not open is left out.

Whatever came from a session (a concern raised from it, what happened in its room) is placed
after the session itself, even when it happened a little before the booked start.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.consent.selectors import learner_consents_for
from chaperon.core.chronology import chronology_entries
from chaperon.core.exceptions import NotFound
from chaperon.people.models import Learner, User
from chaperon.sessions.selectors import session_list_visible_to

from .models import ConcernEntry, ConcernLink, EntryKind
from .permissions import require_handler, visible_concerns

# Entries that are bookkeeping rather than part of the child's story; holds are told by the
# vault's own entries.
_LEFT_OUT = {
    EntryKind.ALERTED,
    EntryKind.ACCESS_GRANTED,
    EntryKind.EVIDENCE_HELD,
    EntryKind.TASK_ADDED,
    EntryKind.ASSIGNED,
}


@dataclass(frozen=True)
class Item:
    at: datetime
    kind: str
    title: str
    detail: str = ""
    reason: str = ""
    reference: str = ""
    session_id: int | None = None  # the session it came from, if any
    session_start: datetime | None = None


@dataclass(frozen=True)
class Chronology:
    learner: Learner
    items: list[Item]
    made_at: datetime
    made_by: User


def _entry_item(entry: ConcernEntry, reference: str) -> Item:
    concern = entry.concern
    kinds = {
        EntryKind.RAISED: "Concern",
        EntryKind.REFERRAL: "Referral",
        EntryKind.CLOSED: "Closed",
    }
    detail = entry.text
    if entry.kind == EntryKind.CLOSED:
        responses = entry.data.get("responses", {})
        detail = "; ".join(f"{key.replace('_', ' ')}: {value}" for key, value in responses.items())
        detail = (
            f"{detail}. Reporter told: {entry.text}" if detail else f"Reporter told: {entry.text}"
        )
    return Item(
        at=entry.at,
        kind=kinds.get(EntryKind(entry.kind), "Decision"),
        title=entry.summary,
        detail=detail,
        reason=entry.reason,
        reference=reference,
        session_id=concern.session_id,
        session_start=concern.session.start if concern.session else None,
    )


def _concern_items(viewer: User, learner: Learner) -> list[Item]:
    """The learner's own concerns, and those linked to them, that the viewer may open."""
    linked = {
        link.concern_id: link
        for link in ConcernLink.objects.filter(learner=learner, ended_at__isnull=True)
    }
    concerns = visible_concerns(viewer).filter(Q(learner=learner) | Q(pk__in=list(linked)))
    entries = (
        ConcernEntry.objects.filter(concern__in=concerns)
        .exclude(kind__in=_LEFT_OUT)
        .select_related("concern__session")
    )
    items = []
    for entry in entries:
        reference = entry.concern.reference
        link = linked.get(entry.concern_id) if entry.concern.learner_id != learner.pk else None
        if link is not None:
            reference += f" (linked: {link.get_relation_display().lower()})"
        items.append(_entry_item(entry, reference))
    return items


def _session_items(viewer: User, learner: Learner) -> list[Item]:
    sessions = session_list_visible_to(viewer, include_past=True).filter(learners=learner)
    return [
        Item(
            at=session.start,
            kind="Session",
            title=f"{session.get_kind_display()}: {session.title}",
            detail=f"{session.get_status_display()}; organiser {session.organiser.full_name}; "
            f"{session.duration_minutes} minutes",
            session_id=session.pk,
            session_start=session.start,
        )
        for session in sessions
    ]


def _registered_items(viewer: User, learner: Learner, starts: dict[int, datetime]) -> list[Item]:
    """What the room and the vault add, less entries naming a case the viewer may not open."""
    entries = chronology_entries(viewer, learner.pk)
    named = {entry.case_reference for entry in entries if entry.case_reference}
    may_open = set(
        visible_concerns(viewer).filter(reference__in=named).values_list("reference", flat=True)
    )
    return [
        Item(
            at=entry.at,
            kind=entry.kind,
            title=entry.title,
            detail=entry.detail,
            reference=entry.case_reference,
            session_id=entry.session_id,
            session_start=starts.get(entry.session_id) if entry.session_id else None,
        )
        for entry in entries
        if not entry.case_reference or entry.case_reference in may_open
    ]


def _in_order(items: list[Item]) -> list[Item]:
    """Oldest first; whatever came from a session after the session itself."""

    def key(item: Item) -> tuple[datetime, int, datetime]:
        placed = max(item.at, item.session_start) if item.session_start else item.at
        return placed, 0 if item.kind == "Session" else 1, item.at

    return sorted(items, key=key)


def _consent_items(viewer: User, learner: Learner) -> list[Item]:
    consents = learner_consents_for(viewer, learner.pk)
    items = [
        Item(
            at=state.request.created_at,
            kind="Consent",
            title=f"Consent asked of {state.request.recipient_name}",
            detail=state.label,
        )
        for state in consents.requests
    ]
    for evidence in consents.evidence:
        answers = ", ".join(
            f"{consent.get_purpose_display()}: {consent.get_answer_display().lower()}"
            for consent in evidence.consents.all()
        )
        items.append(
            Item(
                at=evidence.answered_at,
                kind="Consent",
                title=f"Consent {evidence.get_kind_display().lower()} by "
                f"{evidence.answered_by_name} ({evidence.get_channel_display()})",
                detail=answers,
                reason=evidence.reason,
            )
        )
    return items


def chronology_for(viewer: User, learner_id: int, *, export: bool = False) -> Chronology:
    """The learner's chronology, oldest first. Reading (or exporting) it is audited."""
    require_handler(viewer)
    learner = Learner.objects.filter(pk=learner_id, organisation_id=viewer.organisation_id).first()
    if learner is None:
        raise NotFound("No such learner.")
    sessions = _session_items(viewer, learner)
    starts = {item.session_id: item.at for item in sessions if item.session_id is not None}
    items = _in_order(
        [
            *_concern_items(viewer, learner),
            *sessions,
            *_consent_items(viewer, learner),
            *_registered_items(viewer, learner, starts),
        ]
    )
    record(
        action=AuditAction.CONCERN_CHRONOLOGY_EXPORTED
        if export
        else AuditAction.CONCERN_CHRONOLOGY_VIEWED,
        actor=viewer,
        obj=learner,
        data={"items": len(items)},
    )
    return Chronology(learner=learner, items=items, made_at=timezone.now(), made_by=viewer)

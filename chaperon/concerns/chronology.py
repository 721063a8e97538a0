"""A learner's safeguarding chronology (KCSIE): every concern, decision and its reason,
referral, session and consent event, in time order, for the DSL and deputies; as a page and
as a PDF for a referral or a transfer. Each read is audited."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.consent.selectors import learner_consents_for
from chaperon.core.exceptions import NotFound
from chaperon.people.models import Learner, User
from chaperon.sessions.selectors import session_list_visible_to

from .models import ConcernEntry, EntryKind
from .permissions import require_handler, visible_concerns

# Entries that are bookkeeping rather than part of the child's story.
_LEFT_OUT = {EntryKind.ALERTED, EntryKind.ACCESS_GRANTED}


@dataclass(frozen=True)
class Item:
    at: datetime
    kind: str
    title: str
    detail: str = ""
    reason: str = ""
    reference: str = ""


@dataclass(frozen=True)
class Chronology:
    learner: Learner
    items: list[Item]
    made_at: datetime
    made_by: User


def _entry_item(entry: ConcernEntry, reference: str) -> Item:
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
    )


def _concern_items(viewer: User, learner: Learner) -> list[Item]:
    concerns = visible_concerns(viewer).filter(learner=learner)
    entries = (
        ConcernEntry.objects.filter(concern__in=concerns)
        .exclude(kind__in=_LEFT_OUT)
        .select_related("concern")
    )
    return [_entry_item(entry, entry.concern.reference) for entry in entries]


def _session_items(viewer: User, learner: Learner) -> list[Item]:
    sessions = session_list_visible_to(viewer, include_past=True).filter(learners=learner)
    return [
        Item(
            at=session.start,
            kind="Session",
            title=f"{session.get_kind_display()}: {session.title}",
            detail=f"{session.get_status_display()}; organiser {session.organiser.full_name}; "
            f"{session.duration_minutes} minutes",
        )
        for session in sessions
    ]


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
    items = [
        *_concern_items(viewer, learner),
        *_session_items(viewer, learner),
        *_consent_items(viewer, learner),
    ]
    items.sort(key=lambda item: item.at)
    record(
        action=AuditAction.CONCERN_CHRONOLOGY_EXPORTED
        if export
        else AuditAction.CONCERN_CHRONOLOGY_VIEWED,
        actor=viewer,
        obj=learner,
        data={"items": len(items)},
    )
    return Chronology(learner=learner, items=items, made_at=timezone.now(), made_by=viewer)

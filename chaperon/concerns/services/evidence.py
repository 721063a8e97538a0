"""Evidence kept from the moment a concern is raised (INC-3, INC-4, REC-7).

A concern raised from a session, or about a learner, holds the recordings of that session and
those the learner appears in, in the transaction that records the concern (or that links the
learner): the hold commits with the concern or not at all, so there is no moment after the
concern exists in which a withdrawal of consent could destroy them. The vault does the
holding (through ``chaperon.core.cases``, registered by the recordings app); it locks each
recording's row, so a destruction running at the same moment either ends first (the recording
is gone and was not held) or waits and then finds the hold. The DSL releases the holds on the
recording's page when they are no longer needed.
"""

from chaperon.core.actors import PublicActor, SystemActor
from chaperon.core.cases import EvidenceRequest, hold_evidence
from chaperon.people.models import User

from ..models import Concern, EntryKind
from .common import add_entry


def hold_evidence_for(
    concern: Concern,
    *,
    actor: User | PublicActor | SystemActor,
    learner_ids: tuple[int, ...] | None = None,
    with_session: bool = True,
) -> int:
    """Hold the recordings of the concern's session (``with_session``) and those in which
    ``learner_ids`` (by default the concern's learner) appear, for the concern. Call inside
    the transaction that records the concern or the change. Returns how many were held."""
    if learner_ids is None:
        learner_ids = (concern.learner_id,) if concern.learner_id else ()
    held = hold_evidence(
        EvidenceRequest(
            organisation_id=concern.organisation_id,
            case_reference=concern.reference,
            reason=f"Concern {concern.reference} was raised about this session or someone in "
            "it: kept until the DSL releases it",
            session_id=concern.session_id if with_session else None,
            learner_ids=learner_ids,
            actor=actor,
        )
    )
    if held:
        add_entry(
            concern,
            kind=EntryKind.EVIDENCE_HELD,
            summary=f"{held} recording{'s' if held != 1 else ''} held as evidence: none can be "
            "destroyed until the DSL releases the hold",
            author=None,
            data={"recordings": held},
        )
    return held

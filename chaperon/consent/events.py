"""What the consent app tells the apps above it. Published inside the service that made the
change and delivered after its transaction commits (``chaperon.core.events``).

Subscribers: grep for the class name. Sessions re-check upcoming sessions on both; recordings
destroy those the learner appears in on ``ConsentWithdrawn`` when ``recording`` is among its
purposes (unless held as evidence).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ConsentWithdrawn:
    """Consent that was given has been withdrawn, for these purposes of one learner.

    ``consent_ids`` are the ``Consent`` rows that were in force and are no longer."""

    organisation_id: int
    learner_id: int
    purposes: tuple[str, ...]
    consent_ids: tuple[int, ...]


@dataclass(frozen=True)
class ConsentChanged:
    """Some answer about this learner was recorded (given, declined or withdrawn)."""

    organisation_id: int
    learner_id: int

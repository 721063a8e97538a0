"""What the vault holds about people, for the register (ORG-7). Recordings are images of
people: made only with written consent to be recorded, and kept for the organisation's
recording policy's days."""

from chaperon.consent.models import Purpose
from chaperon.consent.selectors import recording_policy_of
from chaperon.core.processing import UNTIL_SCHEDULE, About, Basis, register_processing
from chaperon.people.models import Organisation
from chaperon.people.roles import Permission as P

EVERYONE = (About.STAFF, About.LEARNERS, About.GUARDIANS)


def recording_retention(organisation: Organisation) -> str:
    days = recording_policy_of(organisation.pk).retention_days
    return (
        f"{days} days after the recording (the organisation's recording policy), then "
        f"destroyed with a certificate; at once when a consent to it is withdrawn; longer only "
        f"while held as evidence in a safeguarding case."
    )


def declare() -> None:
    register_processing(
        "recordings.recording",
        what="Recordings of sessions: the video and sound of the people in them, encrypted in "
        "the vault, with who started each and its stated purpose",
        about_whom=EVERYONE,
        purpose="The recording's stated purpose: to review a session if an issue arises",
        lawful_basis=Basis.CONSENT,
        retention=recording_retention,
        who_sees=P.PLAY_RECORDINGS,
        images=True,
        consent_purpose=Purpose.RECORDING,
    )
    register_processing(
        "recordings.recordingappearance",
        what="Who appears in each recording",
        about_whom=EVERYONE,
        purpose="Destroy a recording when someone in it withdraws consent; find it as evidence",
        lawful_basis=Basis.CONSENT,
        retention=UNTIL_SCHEDULE,
        who_sees=[P.PLAY_RECORDINGS, P.HOLD_RECORDINGS],
    )
    register_processing(
        "recordings.legalhold",
        what="Holds of recordings as evidence: the case reference, why, who placed and "
        "released each",
        about_whom=[About.STAFF],
        purpose="Keep evidence for a safeguarding case",
        lawful_basis=Basis.LEGAL_OBLIGATION,
        retention=UNTIL_SCHEDULE,
        who_sees=P.HOLD_RECORDINGS,
    )
    register_processing(
        "recordings.destructioncertificate",
        what="Certificates of destruction: which recording, when, why and by whom",
        about_whom=[About.STAFF],
        purpose="Prove that a recording was destroyed, and when",
        lawful_basis=Basis.LEGAL_OBLIGATION,
        retention=UNTIL_SCHEDULE,
        who_sees=P.HOLD_RECORDINGS,
    )
    register_processing(
        "recordings.recordingaccess",
        what="Who last changed the roles that may play recordings",
        about_whom=[About.STAFF],
        purpose="Account for the organisation's choice of who plays recordings",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=P.CHOOSE_WHO_PLAYS_RECORDINGS,
    )

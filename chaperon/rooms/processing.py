"""What the live rooms hold about people, for the register (ORG-7)."""

from chaperon.core.processing import UNTIL_SCHEDULE, About, Basis, register_processing, said
from chaperon.people.roles import Permission as P

EVERYONE = (About.STAFF, About.LEARNERS, About.GUARDIANS)


def declare() -> None:
    register_processing(
        "rooms.participant",
        what="The people in a live room: the name shown, their role, a hash of their device, "
        "when they accepted the opening agreement",
        about_whom=EVERYONE,
        purpose="Admit each person, and run the room safely",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=[P.OVERSEE_SESSIONS, said("the host, during the session")],
    )
    register_processing(
        "rooms.recordingcomfort",
        what="Whether each learner said they were comfortable being recorded",
        about_whom=[About.LEARNERS],
        purpose="Check before recording that the children are comfortable",
        lawful_basis=Basis.CONSENT,
        retention=UNTIL_SCHEDULE,
        who_sees=[P.OVERSEE_SESSIONS, said("the host, during the session")],
    )
    register_processing(
        "rooms.roomevent",
        what="What happened in a room: arrivals, admissions, chat messages with what the chat "
        "screening found in each (a grade and categories), messages it held back, leave and "
        "report",
        about_whom=EVERYONE,
        purpose="Review a session if an issue arises, and show it on a learner's chronology",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=[P.HANDLE_CONCERNS, said("the room's participants see its chat, during it")],
    )

"""What booking sessions holds about people, for the register (ORG-7)."""

from chaperon.core.processing import UNTIL_SCHEDULE, About, Basis, register_processing, said
from chaperon.people.roles import Permission as P

EVERYONE = (About.STAFF, About.LEARNERS, About.GUARDIANS)


def declare() -> None:
    register_processing(
        "live_sessions.session",
        what="Sessions: the organiser, staff and learners, the named adult, time and "
        "platform, the risk assessment, conversation and crisis plans",
        about_whom=[About.STAFF, About.LEARNERS],
        purpose="Book and run online sessions safely, under the policy",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=[P.OVERSEE_SESSIONS, said("the organiser and the session's staff")],
    )
    register_processing(
        "live_sessions.sessionexception",
        what="Exceptions to the policy: who asked, why, who decided and why",
        about_whom=[About.STAFF],
        purpose="Let a named senior leader allow an exception where the policy does",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=[P.OVERSEE_SESSIONS, P.APPROVE_EXCEPTIONS],
    )
    register_processing(
        "live_sessions.invitation",
        what="Invitations: each person's name, email address and personal link",
        about_whom=EVERYONE,
        purpose="Invite each person with a link of their own",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=[P.OVERSEE_SESSIONS, said("the organiser")],
    )
    register_processing(
        "live_sessions.sessionattendance",
        what="Who joined and left each session, and when",
        about_whom=EVERYONE,
        purpose="Attendance for the meeting record, and to know who was there if a worry arises",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=[P.READ_MEETING_RECORDS, said("the organiser")],
    )
    register_processing(
        "live_sessions.precallcheck",
        what="Each member of staff's pre-call check before a live session: whether their camera, "
        "microphone and network worked, and that they confirmed their setting (not a bedroom, "
        "background appropriate, other applications closed)",
        about_whom=[About.STAFF],
        purpose="Show that staff checked their setting before each call (SES-14)",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=[P.READ_MEETING_RECORDS, said("the member of staff")],
    )

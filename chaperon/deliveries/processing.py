"""What is kept of email, for the register (ORG-7). The records are core's; the Email page
that shows them is this app's."""

from chaperon.core.processing import UNTIL_SCHEDULE, About, Basis, register_processing, said
from chaperon.people.roles import Permission


def declare() -> None:
    register_processing(
        "core.emaildelivery",
        what="Every email sent: the address, subject and text, and what became of it",
        about_whom=[About.STAFF, About.LEARNERS, About.GUARDIANS, About.PUBLIC],
        purpose="Send invitations, consent requests and alerts, and show what became of each",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=Permission.SEE_EMAIL_DELIVERIES,
    )
    register_processing(
        "core.outboxmessage",
        what="Emails kept in the outbox instead of sent (the demo, with no mail server; never "
        "in production)",
        about_whom=[About.STAFF, About.LEARNERS, About.GUARDIANS, About.PUBLIC],
        purpose="Show the email the demo would have sent",
        lawful_basis=Basis.LEGITIMATE_INTERESTS,
        retention=UNTIL_SCHEDULE,
        who_sees=said("the organisation's staff, on the demo's outbox page"),
    )

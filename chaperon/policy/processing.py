"""What the session policy holds about people, for the register (ORG-7)."""

from chaperon.core.processing import UNTIL_SCHEDULE, About, Basis, register_processing
from chaperon.people.roles import Permission


def declare() -> None:
    register_processing(
        "policy.organisationpolicy",
        what="Versions of the session policy, with who set each",
        about_whom=[About.STAFF],
        purpose="Know which policy was in force and who set it",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=Permission.READ_POLICY,
    )

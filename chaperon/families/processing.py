"""What the family pages hold about people, for the register (ORG-7)."""

from chaperon.core.processing import UNTIL_SCHEDULE, About, Basis, register_processing, said


def declare() -> None:
    register_processing(
        "families.familylinkkey",
        what="Each parent or carer's family page key, and when it was stopped",
        about_whom=[About.GUARDIANS],
        purpose="Let parents and carers see and change what concerns their children, with no "
        "account",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=said("nobody: it only checks the parent or carer's link"),
    )

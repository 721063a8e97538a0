"""What the audit log holds about people, for the register (ORG-7). The audit app sits below
people, so those who see it are named in words."""

from chaperon.core.processing import About, Basis, register_processing, said, scheduled
from chaperon.core.pure.retention import Kind


def declare() -> None:
    for label, what in (
        ("audit.auditevent", "The audit log: who did or read what, when, and why"),
        ("audit.legacyauditevent", "The audit log from before it was kept per organisation"),
    ):
        register_processing(
            label,
            what=what,
            about_whom=[About.STAFF, About.LEARNERS, About.GUARDIANS, About.PUBLIC],
            purpose="Account for every change and every read of a sensitive record",
            lawful_basis=Basis.LEGAL_OBLIGATION,
            retention=scheduled(Kind.AUDIT_LOG),
            who_sees=said("the operator, with the chaperon audit commands"),
        )

"""What the transfers app holds about people, for the register (ORG-7)."""

from chaperon.core.processing import About, Basis, register_processing
from chaperon.people.roles import Permission as P

PURPOSE = "Send a learner's child protection file to their new school, and take in files sent here"


def declare() -> None:
    register_processing(
        "transfers.transfer",
        what="Child protection files sent to a learner's new school: the learner, the school, "
        "who sent it and when, the file as sent (directly, until the receiving DSL accepts or "
        "declines it) or its encrypted package, and who confirmed receipt, when and how, or "
        "why it was declined",
        about_whom=[About.LEARNERS, About.STAFF, About.GUARDIANS, About.PUBLIC],
        purpose=PURPOSE,
        lawful_basis=Basis.SAFEGUARDING,
        retention="As long as the learner's child protection file it was sent from",
        who_sees=P.TRANSFER_CHILD_PROTECTION_FILES,
        special_category=True,
    )
    register_processing(
        "transfers.packageimport",
        what="Packages imported from other schools: the sending school, the learner whose "
        "file they joined, who imported them and when",
        about_whom=[About.LEARNERS, About.STAFF],
        purpose=PURPOSE,
        lawful_basis=Basis.SAFEGUARDING,
        retention="As long as the learner's child protection file they joined",
        who_sees=P.TRANSFER_CHILD_PROTECTION_FILES,
        special_category=True,
    )
    register_processing(
        "transfers.receivedconcern",
        what="Which concerns came with a transferred file: their reference at the sending "
        "school and its name",
        about_whom=[About.LEARNERS],
        purpose=PURPOSE,
        lawful_basis=Basis.SAFEGUARDING,
        retention="As long as the concern it marks",
        who_sees=P.TRANSFER_CHILD_PROTECTION_FILES,
    )

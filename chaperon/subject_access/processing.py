"""What the subject access app holds about people, for the register (ORG-7)."""

from chaperon.core.processing import About, Basis, register_processing
from chaperon.people.roles import Permission as P

KEPT = "Kept with the request as the record of what was released and why"


def declare() -> None:
    register_processing(
        "subject_access.subjectaccessrequest",
        what="Subject access requests: whose, when received and due, the requester's note, "
        "what was gathered about the person, the export released (and its SHA-256) and the "
        "decisions on third parties as they stood at release",
        about_whom=[About.LEARNERS, About.GUARDIANS, About.STAFF],
        purpose="Answer a person's right of access (UK GDPR article 15) within the time limit, "
        "and show what was released and why",
        lawful_basis=Basis.LEGAL_OBLIGATION,
        retention=KEPT,
        who_sees=P.HANDLE_SUBJECT_ACCESS,
        special_category=True,
    )
    register_processing(
        "subject_access.thirdparty",
        what="Third parties found in a subject access export: their name and addresses, where "
        "they were found, and the DSL's decision to disclose or withhold them, with the "
        "exemption and the reason",
        about_whom=[About.LEARNERS, About.GUARDIANS, About.STAFF, About.PUBLIC],
        purpose="Protect other people's information in what is released (DPA 2018 Sch 2 "
        "para 16) and show the decision taken",
        lawful_basis=Basis.LEGAL_OBLIGATION,
        retention=KEPT,
        who_sees=P.HANDLE_SUBJECT_ACCESS,
        special_category=True,
    )

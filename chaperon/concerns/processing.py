"""What concerns hold about people, for the register (ORG-7). What a concern says about a
child's safety, health or family is special category data."""

from chaperon.core.processing import (
    UNTIL_SCHEDULE,
    About,
    Basis,
    Text,
    register_processing,
    said,
    scheduled,
)
from chaperon.core.pure.retention import Kind
from chaperon.people.roles import Permission as P

CASE = (About.LEARNERS, About.STAFF, About.GUARDIANS, About.PUBLIC)
PURPOSE = (
    "Safeguard children and adults at risk: every worry to the DSL, through Annex 1 to a referral"
)


def case_retention(organisation: object) -> str:
    concern_file = scheduled(Kind.CONCERN_FILE)(organisation)
    allegation = scheduled(Kind.ALLEGATION)(organisation)
    if concern_file == UNTIL_SCHEDULE:
        return UNTIL_SCHEDULE
    return f"A child's file: {concern_file}. An allegation about staff: {allegation}."


def declare() -> None:
    handlers: list[Text] = [
        P.HANDLE_CONCERNS,
        said("those given access to a restricted case"),
        said("a senior leader, for an allegation about the DSL or a deputy"),
    ]

    def case(label: str, what: str, about: tuple[About, ...] = CASE) -> None:
        register_processing(
            label,
            what=what,
            about_whom=about,
            purpose=PURPOSE,
            lawful_basis=Basis.SAFEGUARDING,
            retention=case_retention,
            who_sees=handlers,
            special_category=True,
        )

    case(
        "concerns.concern",
        "Concerns and incidents: who raised it (or a member of the public's name and "
        "contact), what happened, whom it is about (a learner, or a member of staff for an "
        "allegation, and the allegation's outcome when it is closed), its category",
    )
    case("concerns.concernentry", "A case's entries: notes, decisions and their reasons")
    case("concerns.concernstep", "A case's steps, with their owners and outcomes")
    case(
        "concerns.concernattachment",
        "Documents attached to a concern (imagery is never accepted)",
    )
    case(
        "concerns.concernlink",
        "Learners linked to a concern (a brother or sister), and why",
        (About.LEARNERS,),
    )
    case(
        "concerns.staffsuspension",
        "Staff suspended from sessions during an allegation, and why",
        (About.STAFF,),
    )
    register_processing(
        "concerns.caseaccess",
        what="Who has been given access to a restricted case, and by whom",
        about_whom=[About.STAFF],
        purpose="Keep a restricted case to those who need it",
        lawful_basis=Basis.SAFEGUARDING,
        retention=UNTIL_SCHEDULE,
        who_sees=P.HANDLE_CONCERNS,
    )

"""What the consent app holds about people, for the register of personal information (ORG-7).
How long a consent is valid is the organisation's consent setting."""

from chaperon.core.processing import (
    UNTIL_SCHEDULE,
    About,
    Basis,
    register_processing,
    said,
    scheduled,
)
from chaperon.core.pure.retention import Kind
from chaperon.people.models import Organisation
from chaperon.people.roles import Permission as P

from .selectors import consent_settings_of

FAMILIES = (About.LEARNERS, About.GUARDIANS)


def consent_retention(organisation: Organisation) -> str:
    months = consent_settings_of(organisation.pk).consent_valid_months
    return (
        f"Each consent is valid for {months} months from the day it is given (the "
        f"organisation's consent settings); the record of it is kept until the retention "
        f"schedule is in place."
    )


def declare() -> None:
    register_processing(
        "consent.statementversion",
        what="Versions of the consent statement, with who wrote each",
        about_whom=[About.STAFF],
        purpose="Prove what each person was told and agreed to",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=P.VIEW_AND_REQUEST_CONSENT,
    )
    register_processing(
        "consent.consentaccess",
        what="Personal consent links: to whom (name, email address), for which learner and "
        "purposes",
        about_whom=FAMILIES,
        purpose="Let parents, carers and learners answer and change their consents",
        lawful_basis=Basis.CONSENT,
        retention=UNTIL_SCHEDULE,
        who_sees=P.VIEW_AND_REQUEST_CONSENT,
    )
    register_processing(
        "consent.consentrequest",
        what="Requests for consent: the recipient's name and email address, the learner, the "
        "purposes, who asked and why, and reminders",
        about_whom=FAMILIES,
        purpose="Ask for written consent, and remind",
        lawful_basis=Basis.CONSENT,
        retention=UNTIL_SCHEDULE,
        who_sees=P.VIEW_AND_REQUEST_CONSENT,
    )
    register_processing(
        "consent.consentevidence",
        what="The proof of each answer: who answered (name, email address), how, the "
        "statement's hash, the receipt, and any document staff attached (a paper form, an "
        "email)",
        about_whom=FAMILIES,
        purpose="Prove written consent",
        lawful_basis=Basis.CONSENT,
        retention=scheduled(Kind.CONSENT_EVIDENCE),
        who_sees=[P.VIEW_AND_REQUEST_CONSENT, said("whoever answered, by their receipt")],
    )
    register_processing(
        "consent.consent",
        what="Each learner's answer per purpose (given, declined, withdrawn) and until when it "
        "is valid",
        about_whom=[About.LEARNERS],
        purpose="Run sessions, record them and use images only with written consent",
        lawful_basis=Basis.CONSENT,
        retention=consent_retention,
        who_sees=[P.VIEW_AND_REQUEST_CONSENT, said("their parents and carers, on the family page")],
    )
    register_processing(
        "consent.ownrecordingagreement",
        what="Written agreements for a family recording a session themselves: who records, "
        "for what, until when, with the signed document",
        about_whom=FAMILIES,
        purpose="Say what a family's own recording is for and how long it is kept",
        lawful_basis=Basis.CONSENT,
        retention="The agreement names the day the family's recording is kept until; the "
        "record of it is " + UNTIL_SCHEDULE.lower(),
        who_sees=P.RECORD_CONSENT,
    )
    register_processing(
        "consent.staffrecordingconsent",
        what="Staff's (or their employer's) written consent to be recorded, with any document",
        about_whom=[About.STAFF],
        purpose="Record sessions only with the staff's consent",
        lawful_basis=Basis.CONSENT,
        retention=UNTIL_SCHEDULE,
        who_sees=[P.RECORD_CONSENT, said("the member of staff themselves")],
    )

"""What the people app holds about people, for the register of personal information (ORG-7)."""

from chaperon.core.processing import (
    UNTIL_SCHEDULE,
    About,
    Basis,
    register_processing,
    said,
    scheduled,
)
from chaperon.core.pure.retention import Kind

from .roles import Permission as P

EVERYONE = (About.STAFF, About.LEARNERS, About.GUARDIANS)


def declare() -> None:
    register_processing(
        "people.organisation",
        what="The organisation's settings, its published safeguarding contacts and the senior "
        "leadership team's email address",
        about_whom=[About.STAFF],
        purpose="Run the organisation's account and tell people whom to contact",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=P.VIEW_ORGANISATION,
    )
    register_processing(
        "people.user",
        what="Sign-in accounts: name, email address, password hash, when last signed in",
        about_whom=EVERYONE,
        purpose="Let each person sign in, and name who did what",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=[P.VIEW_STAFF, said("the person themselves")],
    )
    register_processing(
        "people.trustmembership",
        what="Who holds a role in a multi-academy trust",
        about_whom=[About.STAFF],
        purpose="Let the trust's leaders see its schools' figures",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=said("the trust's administrators"),
    )
    register_processing(
        "people.staffmember",
        what="Staff records: job title, site, line manager, DBS check, safeguarding training "
        "and acceptable use dates, leaving date, date of birth (optional, to keep the record of "
        "an allegation about them until their normal retirement age)",
        about_whom=[About.STAFF],
        purpose="Safer recruitment, and the session policy's checks of who may work with children",
        lawful_basis=Basis.LEGAL_OBLIGATION,
        retention=scheduled(Kind.PEOPLE_WHO_LEFT),
        who_sees=[P.VIEW_STAFF, P.VIEW_STAFF_COMPLIANCE],
    )
    register_processing(
        "people.staffrole",
        what="Each member of staff's roles (DSL, deputy, teacher, ...)",
        about_whom=[About.STAFF],
        purpose="Decide who may do what",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=P.VIEW_STAFF,
    )
    register_processing(
        "people.learner",
        what="Learners: name, date of birth, year and tutor group, site, email address, whether "
        "an adult at risk, leaving date",
        about_whom=[About.LEARNERS],
        purpose="Educate and safeguard the learner: invite them to sessions, apply the "
        "policy's rules for their age, ask for consent",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=[P.VIEW_LEARNERS, said("their parents and carers, on the family page")],
    )
    register_processing(
        "people.guardian",
        what="Parents and carers: name, email address, phone number, how they prefer to be "
        "contacted",
        about_whom=[About.GUARDIANS],
        purpose="Ask for consent, invite and tell them about their children's sessions",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=[P.VIEW_LEARNERS, said("the parent or carer themselves, on the family page")],
    )
    register_processing(
        "people.guardianrelationship",
        what="Which parent or carer is linked to which learner, how, and who has parental "
        "responsibility",
        about_whom=[About.LEARNERS, About.GUARDIANS],
        purpose="Know who may consent for a learner and who is told",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=P.VIEW_LEARNERS,
    )
    register_processing(
        "people.importjob",
        what="CSV files of staff, learners and guardians imported, with the problems found",
        about_whom=EVERYONE,
        purpose="Bring people in from the management information system, all or nothing",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=P.IMPORT_PEOPLE,
    )
    register_processing(
        "people.group",
        what="Classes, year groups and tutor groups: name, course, the information system's id",
        about_whom=[About.STAFF, About.LEARNERS],
        purpose="Book sessions for a class and see its consents",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=P.VIEW_LEARNERS,
    )
    register_processing(
        "people.groupmember",
        what="Which teachers and learners are in each class, year group and tutor group",
        about_whom=[About.STAFF, About.LEARNERS],
        purpose="Book sessions for a class and see its consents",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=P.VIEW_LEARNERS,
    )
    register_processing(
        "people.rosterimport",
        what="OneRoster exports read: the counts of changes and the problems found; an "
        "uploaded export's files, and the names its preview lists, only until it is applied, "
        "refused or fails",
        about_whom=EVERYONE,
        purpose="Bring people and classes in from the management information system",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=P.IMPORT_PEOPLE,
    )

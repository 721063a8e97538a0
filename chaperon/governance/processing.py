"""What governance holds about people, for the register (ORG-7)."""

from chaperon.core.processing import (
    UNTIL_SCHEDULE,
    About,
    Basis,
    register_processing,
    said,
    scheduled,
)
from chaperon.core.pure.retention import Kind
from chaperon.people.roles import Permission as P


def declare() -> None:
    public = said("learners and families, on the public contacts page")
    register_processing(
        "governance.teampost",
        what="Posts in the safeguarding team held by members of staff",
        about_whom=[About.STAFF],
        purpose="Publish whom to contact about a worry",
        lawful_basis=Basis.PUBLIC_TASK,
        retention="While the member of staff holds the post",
        who_sees=[P.VIEW_STAFF, public],
    )
    register_processing(
        "governance.publishedcontact",
        what="The contact line published for a member of the safeguarding team",
        about_whom=[About.STAFF],
        purpose="Publish whom to contact about a worry",
        lawful_basis=Basis.PUBLIC_TASK,
        retention="While it is published",
        who_sees=[P.VIEW_STAFF, public],
    )
    register_processing(
        "governance.aupversion",
        what="Versions of the acceptable use agreements, with who published each",
        about_whom=[About.STAFF],
        purpose="Know which agreement was in force",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=P.PUBLISH_AUP,
    )
    register_processing(
        "governance.aupsignature",
        what=(
            "Who agreed to which acceptable use agreement, and when: staff signed in; learners, "
            "and parents and carers, by personal link with their typed name"
        ),
        about_whom=[About.STAFF, About.LEARNERS, About.GUARDIANS],
        purpose="Know that everyone using the systems has agreed to the agreement in force",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=scheduled(Kind.AUP_AND_TRAINING),
        who_sees=[
            P.PUBLISH_AUP,
            P.VIEW_STAFF_COMPLIANCE,
            said("those who see a session's page, for its learners"),
        ],
    )
    register_processing(
        "governance.auprequest",
        what=(
            "The personal links sent to learners, and parents and carers, to agree to an "
            "acceptable use agreement: to whom and the email address used"
        ),
        about_whom=[About.LEARNERS, About.GUARDIANS],
        purpose="Ask learners and families to agree, and know who was asked",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=P.PUBLISH_AUP,
    )
    register_processing(
        "governance.filterreport",
        what="Filtering and monitoring reports imported, with who imported each",
        about_whom=[About.STAFF, About.LEARNERS],
        purpose="Check the filtering and monitoring and act on what it finds",
        lawful_basis=Basis.LEGAL_OBLIGATION,
        retention=UNTIL_SCHEDULE,
        who_sees=P.READ_FILTERING_REPORTS,
    )
    register_processing(
        "governance.filterentry",
        what="Each report's entries: the user name, the learner or member of staff it "
        "matched, the site visited, its category, the device",
        about_whom=[About.STAFF, About.LEARNERS],
        purpose="Check the filtering and monitoring and act on what it finds",
        lawful_basis=Basis.LEGAL_OBLIGATION,
        retention=UNTIL_SCHEDULE,
        who_sees=P.READ_FILTERING_REPORTS,
    )
    register_processing(
        "governance.filtercheck",
        what="The termly checks and yearly reviews of filtering, with who made them and notes",
        about_whom=[About.STAFF],
        purpose="Show that filtering and monitoring are checked",
        lawful_basis=Basis.LEGAL_OBLIGATION,
        retention=UNTIL_SCHEDULE,
        who_sees=P.READ_FILTERING_REPORTS,
    )
    register_processing(
        "governance.trainingcourse",
        what="The organisation's safeguarding and online safety courses, and who must take them",
        about_whom=[About.STAFF],
        purpose="Train staff by role, as the policy asks",
        lawful_basis=Basis.LEGAL_OBLIGATION,
        retention="While the course is offered",
        who_sees=P.VIEW_STAFF_COMPLIANCE,
    )
    register_processing(
        "governance.trainingcompletion",
        what="Each course a member of staff completed, when, with the certificate and a note, "
        "who recorded it and when they were reminded",
        about_whom=[About.STAFF],
        purpose="Know that staff are trained and remind them before it lapses",
        lawful_basis=Basis.LEGAL_OBLIGATION,
        retention=scheduled(Kind.AUP_AND_TRAINING),
        who_sees=[P.VIEW_STAFF_COMPLIANCE, said("the member of staff themselves")],
    )
    register_processing(
        "governance.boardreport",
        what="Each quarter's report to the board: the DSL's narrative, who wrote it and when "
        "(its figures are counts, worked out when it is read, and name no child)",
        about_whom=[About.STAFF],
        purpose="Report online safety to the board each quarter (ORG-6)",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=P.READ_BOARD_REPORT,
    )
    register_processing(
        "governance.annualreview",
        what="Each version of the annual review of online safety: the DSL's findings, who began "
        "it and who signed it off for the board, and when",
        about_whom=[About.STAFF],
        purpose="Review online safety each year and report it to the board (ORG-6)",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=P.READ_ANNUAL_REVIEW,
    )
    register_processing(
        "governance.reviewrisk",
        what="The risks of the review's risk assessment, with the member of staff who owns each",
        about_whom=[About.STAFF],
        purpose="Review online safety each year and report it to the board (ORG-6)",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=P.READ_ANNUAL_REVIEW,
    )
    register_processing(
        "governance.reviewaction",
        what="The actions the review sets, with the member of staff who owns each and when done",
        about_whom=[About.STAFF],
        purpose="Review online safety each year and report it to the board (ORG-6)",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=P.READ_ANNUAL_REVIEW,
    )
    register_processing(
        "governance.selfreview",
        what="Each self-review of the online safety arrangements: its day and who made it",
        about_whom=[About.STAFF],
        purpose="Audit and improve the safeguarding arrangements (ORG-8)",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=P.READ_SELF_REVIEW,
    )
    register_processing(
        "governance.selfreviewaction",
        what="The self-review's action plan: each action with the member of staff who owns it",
        about_whom=[About.STAFF],
        purpose="Audit and improve the safeguarding arrangements (ORG-8)",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=P.READ_SELF_REVIEW,
    )
    register_processing(
        "governance.boardmeeting",
        what="The days the board meets, with who set each",
        about_whom=[About.STAFF],
        purpose="Remind the DSL to complete the board's quarterly report before it meets (ORG-6)",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=P.READ_BOARD_REPORT,
    )

"""What the retention app holds about people, for the register (ORG-7)."""

from chaperon.core.processing import About, Basis, register_processing
from chaperon.people.roles import Permission as P

KEPT = "As long as the records it is about; a destruction's certificate is kept for good"


def declare() -> None:
    register_processing(
        "retention.retentionperiod",
        what="The organisation's own retention periods, with who set each and why",
        about_whom=[About.STAFF],
        purpose="Keep records for as long as the law and guidance say, and no longer",
        lawful_basis=Basis.LEGAL_OBLIGATION,
        retention="While the period is in force",
        who_sees=[P.LEAD_SAFEGUARDING, P.MANAGE_ORGANISATION],
    )
    register_processing(
        "retention.retentionhold",
        what="Holds that keep a learner's or a member of staff's records from destruction, "
        "with the reason and who placed and released them",
        about_whom=[About.STAFF, About.LEARNERS],
        purpose="Keep records a case, a claim or an inquiry needs",
        lawful_basis=Basis.SAFEGUARDING,
        retention=KEPT,
        who_sees=P.LEAD_SAFEGUARDING,
        special_category=True,
    )
    register_processing(
        "retention.retentionreview",
        what="The DSL's reviews of records at the end of their period: kept until when, and why",
        about_whom=[About.STAFF, About.LEARNERS],
        purpose="Keep records for as long as the law and guidance say, and no longer",
        lawful_basis=Basis.SAFEGUARDING,
        retention=KEPT,
        who_sees=P.LEAD_SAFEGUARDING,
        special_category=True,
    )
    register_processing(
        "retention.retentiondestruction",
        what="Certificates of records destroyed under the schedule: the kind, how many, their "
        "digest, the member of staff or the learner (a child protection file) they were about "
        "(by number) and who confirmed it",
        about_whom=[About.STAFF, About.LEARNERS],
        purpose="Show that records were destroyed when the schedule said, and by whom",
        lawful_basis=Basis.LEGAL_OBLIGATION,
        retention="Kept for good, as the audit log that certifies it",
        who_sees=P.LEAD_SAFEGUARDING,
    )

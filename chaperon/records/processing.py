"""What meeting records hold about people, for the register (ORG-7). Records are destroyed
at the end of the organisation's retention period for them."""

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

record_retention = scheduled(Kind.MEETING_RECORD)


def declare() -> None:
    readers: list[Text] = [P.READ_MEETING_RECORDS, said("the host and their line manager")]
    about = [About.STAFF, About.LEARNERS]
    register_processing(
        "records.meetingrecord",
        what="The record of each meeting: who wrote it, how the meeting was held, its summary",
        about_whom=about,
        purpose="Keep a record of every 1:1 and session",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=record_retention,
        who_sees=readers,
    )
    register_processing(
        "records.meetingaction",
        what="The actions agreed in a meeting, with their owners and due dates",
        about_whom=about,
        purpose="Follow up what a meeting agreed",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=record_retention,
        who_sees=readers,
    )
    register_processing(
        "records.meetingrecordamendment",
        what="Amendments to a meeting record: who amended it, why, before and after",
        about_whom=about,
        purpose="Keep a meeting record's history honest",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=record_retention,
        who_sees=readers,
    )
    register_processing(
        "records.meetingrecordreminder",
        what="Reminders to write a meeting record, and whom they went to",
        about_whom=[About.STAFF],
        purpose="Make sure every meeting is recorded",
        lawful_basis=Basis.PUBLIC_TASK,
        retention=UNTIL_SCHEDULE,
        who_sees=P.READ_MEETING_RECORDS,
    )

"""The person's own record: a learner's, a parent's or carer's, or a member of staff's, with
the people it links them to."""

from typing import Any

from chaperon.people.models import Guardian, Learner, StaffMember
from chaperon.people.selectors import guardian_links_of_learner, learner_links_of_guardian

from . import Found, Subject, item, section


def _learner(subject: Subject, learner: Learner, found: Found) -> list[dict[str, Any]]:
    rows = [
        item(
            learner.full_name,
            ("First name", learner.first_name),
            ("Last name", learner.last_name),
            ("Date of birth", subject.when(learner.date_of_birth)),
            ("Year group", learner.year_group),
            ("Tutor group", learner.tutor_group),
            ("Email", learner.email),
            ("Adult at risk", "yes" if learner.adult_at_risk else ""),
            ("School's reference", learner.external_id),
            ("Left on", subject.when(learner.left_on)),
        )
    ]
    for link in guardian_links_of_learner(learner):
        found.guardian(link.guardian, where="Record")
        rows.append(
            item(
                f"Parent or carer: {link.guardian.full_name}",
                ("Relationship", link.get_relationship_display()),
                ("Parental responsibility", "yes" if link.parental_responsibility else "no"),
            )
        )
    return rows


def _guardian(subject: Subject, guardian: Guardian, found: Found) -> list[dict[str, Any]]:
    rows = [
        item(
            guardian.full_name,
            ("Email", guardian.email),
            ("Phone", guardian.phone),
            ("Preferred contact", guardian.get_preferred_contact_display()),
            ("School's reference", guardian.external_id),
        )
    ]
    for link in learner_links_of_guardian(guardian):
        found.learner(link.learner, where="Record")
        rows.append(
            item(
                f"Linked learner: {link.learner.full_name}",
                ("Relationship", link.get_relationship_display()),
                ("Parental responsibility", "yes" if link.parental_responsibility else "no"),
            )
        )
    return rows


def _staff(subject: Subject, staff: StaffMember, found: Found) -> list[dict[str, Any]]:
    found.staff(staff.line_manager.user if staff.line_manager else None, where="Record")
    return [
        item(
            staff.user.full_name,
            ("Email", staff.user.email),
            ("Job title", staff.job_title),
            ("Roles", ", ".join(staff.role_labels)),
            ("Line manager", staff.line_manager.user.full_name if staff.line_manager else ""),
            ("DBS checked on", subject.when(staff.dbs_checked_on)),
            ("DBS check", staff.get_dbs_type_display()),
            ("Safeguarding training on", subject.when(staff.safeguarding_training_on)),
            ("Acceptable use agreement signed on", subject.when(staff.aup_signed_on)),
            ("School's reference", staff.external_id),
            ("Left on", subject.when(staff.left_on)),
        )
    ]


def gather(subject: Subject, found: Found) -> dict[str, Any]:
    person = subject.person
    if isinstance(person, Learner):
        rows = _learner(subject, person, found)
    elif isinstance(person, Guardian):
        rows = _guardian(subject, person, found)
    else:
        rows = _staff(subject, person, found)
    return section("record", "Record", rows)

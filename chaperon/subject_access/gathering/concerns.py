"""Concerns the person is the subject of: a learner's concerns, or allegations about a member
of staff, with their chronology. The reporter of each is a third party."""

from typing import Any

from chaperon.concerns.selectors import concerns_with_subject

from . import Found, Subject, item, section

WHERE = "Concerns"


def _reporter(concern: Any, found: Found) -> str:
    if concern.raised_by is not None:
        found.party(
            f"user:{concern.raised_by_id}",
            "reporter",
            concern.raised_by.full_name,
            concern.raised_by.email,
            where=WHERE,
        )
        return str(concern.raised_by.full_name)
    if concern.reporter_name:
        found.party(
            f"reporter:{concern.pk}",
            "reporter",
            concern.reporter_name,
            concern.reporter_contact,
            where=WHERE,
        )
    return str(concern.reporter_name)


def gather(subject: Subject, found: Found) -> dict[str, Any]:
    if subject.kind == "guardian":
        return section("concerns", "Concerns", [], "Concerns are about learners or staff.")
    items = []
    for concern in concerns_with_subject(learner_id=subject.learner_id, user_id=subject.user_id):
        if concern.learner is not None:
            found.learner(concern.learner, where=WHERE)
        reporter = _reporter(concern, found)
        chronology = []
        for entry in concern.entries.all():
            found.staff(entry.author, where=WHERE)
            words = " ".join(part for part in (entry.summary, entry.text, entry.reason) if part)
            chronology.append(f"{subject.when(entry.at)} {entry.author_label}: {words}")
        items.append(
            item(
                f"{concern.get_kind_display()} {concern.reference}",
                ("Raised", subject.when(concern.created_at)),
                ("Reported by", reporter),
                ("Reporter's relation", concern.get_reporter_relation_display()),
                ("Reporter's contact", concern.reporter_contact),
                ("About", concern.about_name),
                ("Member of staff it is about", concern.subject_staff_name),
                ("What happened", concern.description),
                ("Where any material is", concern.material_location),
                ("Seen by", concern.seen_by),
                ("Category", concern.get_category_display()),
                ("Occurred on", subject.when(concern.occurred_on)),
                ("Status", concern.get_status_display()),
                ("Closed", subject.when(concern.closed_at)),
                ("Chronology", "\n".join(chronology)),
            )
        )
    return section("concerns", "Concerns they are the subject of", items)

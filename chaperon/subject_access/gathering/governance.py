"""Acceptable use agreements signed by or for the person, and a member of staff's training."""

from typing import Any

from chaperon.governance.selectors import agreements_of_person, training_completions_of

from . import Found, Subject, item, section

WHERE = "Agreements and training"


def gather(subject: Subject, found: Found) -> dict[str, Any]:
    items = []
    for signature in agreements_of_person(
        user_id=subject.user_id, learner_id=subject.learner_id, guardian_id=subject.guardian_id
    ):
        if signature.learner is not None:
            found.learner(signature.learner, where=WHERE)
        if signature.guardian is not None:
            found.guardian(signature.guardian, where=WHERE)
        items.append(
            item(
                f"Agreement signed: {signature.version.title}",
                ("Signed", subject.when(signature.created_at)),
                ("Signed as", signature.signed_name),
                ("For", signature.learner.full_name if signature.learner else ""),
            )
        )
    if subject.staff is not None:
        for completion in training_completions_of(subject.staff).select_related("course"):
            items.append(
                item(
                    f"Training: {completion.course.name}",
                    ("Completed on", subject.when(completion.completed_on)),
                    ("Certificate", completion.certificate),
                    ("Note", completion.note),
                )
            )
    return section("agreements", "Acceptable use agreements and training", items)

"""Consents: the requests sent about a learner (or to a parent) and every answer given, with
who answered and how."""

from typing import Any

from chaperon.consent.selectors import consent_history_of

from . import Found, Subject, item, section

WHERE = "Consents"


def gather(subject: Subject, found: Found) -> dict[str, Any]:
    if subject.kind == "staff":
        return section("consents", "Consents", [], "Consents are asked for learners only.")
    requests, evidence = consent_history_of(
        learner_id=subject.learner_id, guardian_id=subject.guardian_id
    )
    items = []
    for sent in requests:
        found.learner(sent.learner, where=WHERE)
        if sent.guardian_id is not None:
            found.party(
                f"guardian:{sent.guardian_id}",
                "guardian",
                sent.recipient_name,
                sent.recipient_email,
                where=WHERE,
            )
        items.append(
            item(
                f"Request sent {subject.when(sent.created_at)}",
                ("About", sent.learner.full_name),
                ("Sent to", sent.recipient_name),
                ("Address", sent.recipient_email),
                ("Purposes", ", ".join(sent.purposes)),
                ("Status", sent.get_status_display()),
                ("Answered", subject.when(sent.answered_at)),
            )
        )
    for answer in evidence:
        found.learner(answer.learner, where=WHERE)
        if answer.guardian_id is not None:
            key, kind = f"guardian:{answer.guardian_id}", "guardian"
        elif answer.answered_by_learner:
            key, kind = f"learner:{answer.learner_id}", "learner"
        else:
            key, kind = f"name:{answer.answered_by_name.casefold()}", "other"
        found.party(key, kind, answer.answered_by_name, answer.answered_by_email, where=WHERE)
        found.staff(answer.recorded_by, where=WHERE)
        items.append(
            item(
                f"Answer given {subject.when(answer.answered_at)}",
                ("About", answer.learner.full_name),
                ("Answered by", answer.answered_by_name),
                ("Address", answer.answered_by_email),
                ("How", answer.get_channel_display()),
                ("Given on", subject.when(answer.given_on)),
                (
                    "Answers",
                    "; ".join(
                        f"{each.get_purpose_display()}: {each.get_answer_display()}"
                        for each in answer.consents.all()
                    ),
                ),
                ("Recorded by", answer.recorded_by.full_name if answer.recorded_by else ""),
                ("Reason", answer.reason),
                ("Receipt", answer.receipt_number),
            )
        )
    return section("consents", "Consents", items)

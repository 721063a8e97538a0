"""Who answers for a learner.

- A learner under 18 on the day: each guardian recorded with parental responsibility. A carer
  or other adult without it cannot consent for a child, so is never sent a request.
- An adult at risk (18 or over, flagged as at risk): each guardian or carer linked to them, with
  or without the parental responsibility flag (which ends at 18): the person who supports their
  decisions. Staff record a best-interests decision with "record consent given another way".
- Any other adult (18 or over on the day, not at risk): the learner themself, at an address
  staff type when sending (learner records hold no email address).
"""

from dataclasses import dataclass
from datetime import date

from chaperon.core.pure.dates import is_minor
from chaperon.people.models import Guardian, GuardianRelationship, Learner


@dataclass(frozen=True)
class Answerers:
    learner_answers: bool
    guardians: list[Guardian]
    rule: str


def learner_answers_for_themself(learner: Learner, *, today: date) -> bool:
    return not is_minor(learner.date_of_birth, today) and not learner.adult_at_risk


def answerers_of(learner: Learner, *, today: date) -> Answerers:
    if learner_answers_for_themself(learner, today=today):
        return Answerers(True, [], "An adult learner answers for themself.")
    links = GuardianRelationship.objects.filter(learner=learner).select_related("guardian")
    if is_minor(learner.date_of_birth, today):
        links = links.filter(parental_responsibility=True)
        rule = "A parent or carer with parental responsibility answers."
    else:
        rule = "A parent or carer linked to this adult at risk answers."
    guardians = sorted((link.guardian for link in links), key=lambda g: (g.full_name, g.pk))
    return Answerers(False, guardians, rule)

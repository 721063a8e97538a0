"""Which learners' agreement is a learner's (ORG-2), by key stage, and who is sent its link.

Key stages follow the school year: a learner's year group is set by their age on 31 August
before the school year starts on 1 September. Key stages 1 and 2 (years 1 to 6, and
reception) are aged 10 or under on that day; key stages 3 and 4 (years 7 to 11) 11 to 15;
key stage 5 and adult learners 16 or over. Adults at risk take the adult learners' agreement
whatever their age.
"""

from datetime import date

from .models import Audience

SECONDARY_FROM_AGE = 11
POST16_FROM_AGE = 16


def year_reference_day(today: date) -> date:
    """31 August before the school year that ``today`` is in."""
    year = today.year if today >= date(today.year, 9, 1) else today.year - 1
    return date(year, 8, 31)


def born_by(today: date, age: int) -> date:
    """The last birthday that makes a learner ``age`` or older on the year's reference day
    (31 August is never a leap day, so this is always a real date)."""
    reference = year_reference_day(today)
    return reference.replace(year=reference.year - age)


def learner_audience(date_of_birth: date, *, adult_at_risk: bool, today: date) -> str:
    if adult_at_risk or date_of_birth <= born_by(today, POST16_FROM_AGE):
        return Audience.LEARNER_POST16
    if date_of_birth <= born_by(today, SECONDARY_FROM_AGE):
        return Audience.LEARNER_SECONDARY
    return Audience.LEARNER_PRIMARY


LEARNER_AUDIENCES = (
    Audience.LEARNER_PRIMARY,
    Audience.LEARNER_SECONDARY,
    Audience.LEARNER_POST16,
)
# Asked by personal link; staff are asked as they sign in.
BY_LINK = (*LEARNER_AUDIENCES, Audience.PARENT)


def sent_to_learner(audience: str, learner_email: str) -> bool:
    """Whether a learner's link goes to the learner: from key stage 3 when they have an email
    address of their own; otherwise to their parents and carers with parental responsibility,
    who agree with them."""
    return audience != Audience.LEARNER_PRIMARY and bool(learner_email)

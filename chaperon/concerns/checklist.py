"""Annex 1 as a pure function: the triage answers in, the steps they open out.

No Django, no clock, no database: ``steps_for(answers)`` is tested over every combination of
answers. The services turn each ``StepSpec`` into a row with an owner and a due time.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from enum import StrEnum


class Illegal(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"


class RiskToUser(StrEnum):
    """What risk the incident poses to the child or young person (INC-2)."""

    LOW = "low"  # upsetting, no lasting harm expected
    HARM = "harm"  # harm, or a welfare concern
    SIGNIFICANT = "significant"  # at risk of significant harm


class NudeSharing(StrEnum):
    """INC-6: the UKCIS classification of sharing nudes and semi-nudes."""

    NOT_INVOLVED = "not_involved"
    EXPERIMENTAL = "experimental"
    AGGRAVATED = "aggravated"


class Agency(StrEnum):
    POLICE = "police"
    SOCIAL_CARE = "social_care"
    CEOP = "ceop"
    IWF = "iwf"
    LADO = "lado"
    OTHER = "other"


AGENCY_LABELS = {
    Agency.POLICE: "Police",
    Agency.SOCIAL_CARE: "Children's social care",
    Agency.CEOP: "CEOP (Child Exploitation and Online Protection)",
    Agency.IWF: "Internet Watch Foundation",
    Agency.LADO: "Local authority designated officer (LADO)",
    Agency.OTHER: "Another service",
}


@dataclass(frozen=True)
class Answers:
    illegal: Illegal
    immediate_risk: bool
    risk_to_user: RiskToUser
    nude_sharing: NudeSharing = NudeSharing.NOT_INVOLVED
    # INC-10: the concern is an allegation about a member of staff.
    allegation: bool = False


@dataclass(frozen=True)
class StepSpec:
    key: str
    title: str
    clause: str
    due_in: timedelta
    # A referral to any of these agencies completes the step.
    agencies: tuple[Agency, ...] = ()
    # Due by the end of this many working days after the day it opens, instead of ``due_in``.
    working_days: int = 0


NOW = timedelta(hours=1)
TODAY = timedelta(hours=24)
SOON = timedelta(days=3)

REVIEW_MEETING = StepSpec(
    "review_meeting",
    "Hold the initial review meeting with relevant staff; interview the children involved "
    "where appropriate",
    "INC-8",
    TODAY,
)
PARENTS = StepSpec(
    "parents",
    "Inform parents or carers early, unless that would put the child at risk: record the "
    "reason either way",
    "INC-8",
    TODAY,
)
PRESERVE_NOW = StepSpec(
    "preserve_evidence",
    "Secure and preserve all evidence and hardware; do not send material on, view, copy or "
    "delete it",
    "INC-3",
    NOW,
)
REPORT_DSO = StepSpec(
    "report_dso",
    "Report to the Designated Safeguarding Officer (DSL or deputy) now",
    "INC-3",
    NOW,
)
REFER_NOW = StepSpec(
    "refer_immediate",
    "Refer to children's social care or the police at once: immediate danger",
    "INC-3",
    NOW,
    (Agency.POLICE, Agency.SOCIAL_CARE),
)
PRESERVE = StepSpec(
    "preserve_evidence",
    "Preserve the evidence: nothing is deleted while the authorities investigate",
    "INC-4",
    TODAY,
)
REFER_AUTHORITIES = StepSpec(
    "refer_authorities",
    "Report to the police, CEOP, the Internet Watch Foundation or social care as appropriate",
    "INC-4",
    TODAY,
    (Agency.POLICE, Agency.CEOP, Agency.IWF, Agency.SOCIAL_CARE),
)
REFER_WITHOUT_CONSENT = StepSpec(
    "refer_significant_harm",
    "Refer to children's social care without waiting for consent: the child is at risk of "
    "significant harm",
    "INC-8",
    NOW,
    (Agency.SOCIAL_CARE, Agency.POLICE),
)
REFER_WELFARE = StepSpec(
    "refer_welfare",
    "Decide on a referral to children's social care for the harm or welfare concern",
    "INC-8",
    SOON,
    (Agency.SOCIAL_CARE,),
)
REPORT_BY_SEVERITY = StepSpec(
    "report_by_severity",
    "Report to the relevant person for its severity (Chief Information Officer, Operations "
    "Manager or Comms Manager)",
    "INC-2",
    SOON,
)
AGGRAVATED = StepSpec(
    "refer_aggravated",
    "Aggravated sharing of nudes or semi-nudes: refer to the police through the local "
    "safeguarding partnership",
    "INC-6",
    TODAY,
    (Agency.POLICE,),
)
EXPERIMENTAL = StepSpec(
    "experimental_plan",
    "Experimental sharing of nudes or semi-nudes: record why it is experimental and the "
    "support given in school",
    "INC-6",
    SOON,
)


LADO = StepSpec(
    "refer_lado",
    "Allegation about a member of staff: refer to the local authority designated officer "
    "(LADO) within one working day, before any investigation of your own",
    "INC-10",
    TODAY,
    (Agency.LADO,),
    working_days=1,
)


def steps_for(answers: Answers) -> list[StepSpec]:
    """The steps Annex 1 and INC-2..INC-8 ask for, given the triage answers: each once, the
    most urgent version of a step where two branches ask for it."""
    steps: list[StepSpec] = [REVIEW_MEETING, PARENTS]
    if answers.immediate_risk:
        steps += [PRESERVE_NOW, REPORT_DSO, REFER_NOW]
    elif answers.illegal is not Illegal.NO or answers.risk_to_user is not RiskToUser.LOW:
        steps += [PRESERVE, REFER_AUTHORITIES]
    else:
        steps.append(REPORT_BY_SEVERITY)
    if answers.risk_to_user is RiskToUser.SIGNIFICANT:
        steps.append(REFER_WITHOUT_CONSENT)
    elif answers.risk_to_user is RiskToUser.HARM and not answers.immediate_risk:
        steps.append(REFER_WELFARE)
    if answers.nude_sharing is NudeSharing.AGGRAVATED:
        steps.append(AGGRAVATED)
    elif answers.nude_sharing is NudeSharing.EXPERIMENTAL:
        steps.append(EXPERIMENTAL)
    if answers.allegation:
        steps.append(LADO)
    return _most_urgent_each(steps)


def _most_urgent_each(steps: list[StepSpec]) -> list[StepSpec]:
    chosen: dict[str, StepSpec] = {}
    for step in steps:
        if step.key not in chosen or step.due_in < chosen[step.key].due_in:
            chosen[step.key] = step
    return sorted(chosen.values(), key=lambda step: (step.due_in, steps.index(step)))


def steps_completed_by(agency: Agency, open_steps: list[tuple[str, list[str]]]) -> list[str]:
    """Keys of the open steps (key, agencies) that a referral to ``agency`` completes."""
    return [key for key, agencies in open_steps if agency in agencies]


def due_at(
    spec: StepSpec, *, now: datetime, zone: tzinfo, working_days: str, working_end: time
) -> datetime:
    """When a step opened at ``now`` is due. A step counted in working days is due at the end
    of working hours (``working_end``, in ``zone``) of the Nth working day after the day it
    opens (``working_days``: ISO weekday digits, "12345" for Monday to Friday); with no
    working days at all, ``due_in`` from now."""
    if not spec.working_days or not any(str(day) in working_days for day in range(1, 8)):
        return now + spec.due_in
    day, left = now.astimezone(zone).date(), spec.working_days
    while left:
        day += timedelta(days=1)
        if str(day.isoweekday()) in working_days:
            left -= 1
    return datetime.combine(day, working_end, tzinfo=zone)

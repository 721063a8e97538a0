"""The self-review (ORG-8): the organisation rates its own online safety arrangements, aspect by
aspect, on five levels, to audit and improve them. The aspects are our own, each derived from the
clauses of the policies it stands for (docs/clauses.md), grouped in elements; the levels are one
scale for every aspect. Where Chaperon measures an aspect, the measured figure is shown beside
the rating."""

from dataclasses import dataclass

LEVELS: dict[int, str] = {
    1: "1: Not in place: nothing is arranged yet",
    2: "2: Begun: some arrangements, not yet followed by everyone",
    3: "3: In place: arranged, written down and followed",
    4: "4: Embedded: followed by everyone and checked, with records that show it",
    5: "5: Leading: reviewed from evidence and improved, shared with others",
}


@dataclass(frozen=True)
class Aspect:
    key: str
    element: str
    title: str
    clauses: tuple[str, ...]
    question: str
    measure: str = ""  # the figure Chaperon measures for it, if any


@dataclass(frozen=True)
class Evidence:
    """A page of Chaperon that holds evidence for an aspect, by its URL name (no arguments)."""

    label: str
    url_name: str


LEADERSHIP = "Leadership and governance"
SESSIONS = "Sessions and recordings"
CONCERNS = "Concerns and incidents"
STAFF = "Staff and training"
TECHNOLOGY = "Technology and data"
ELEMENTS = (LEADERSHIP, SESSIONS, CONCERNS, STAFF, TECHNOLOGY)

ASPECTS: tuple[Aspect, ...] = (
    Aspect(
        "roles",
        LEADERSHIP,
        "Safeguarding roles and contacts",
        ("ORG-1",),
        "Is there a board champion, a DSL and deputies, an online safety group and an ICT lead, "
        "with contacts published to staff, learners and families?",
    ),
    Aspect(
        "review_and_reporting",
        LEADERSHIP,
        "Review and reporting to the board",
        ("ORG-6", "ORG-8"),
        "Is online safety reviewed each year with a risk assessment, and reported to the board "
        "each quarter?",
    ),
    Aspect(
        "agreements",
        LEADERSHIP,
        "Acceptable use agreements",
        ("ORG-2",),
        "Have staff, learners, parents and guests agreed to an acceptable use agreement written "
        "for them?",
    ),
    Aspect(
        "safe_sessions",
        SESSIONS,
        "Safe online sessions",
        ("SES-1", "SES-2", "SES-3", "SES-4", "SES-5", "SES-13"),
        "Are sessions agreed with families, in hours, of a reasonable length, staffed and "
        "planned with a risk assessment?",
        measure="sessions",
    ),
    Aspect(
        "consent",
        SESSIONS,
        "Consent to take part and to be recorded",
        ("SES-9", "REC-4", "REC-5", "REC-7"),
        "Is consent asked for, recorded and respected when withdrawn?",
        measure="consent",
    ),
    Aspect(
        "recordings",
        SESSIONS,
        "Recordings: purpose, keeping and destruction",
        ("REC-1", "REC-3", "REC-8"),
        "Does each recording have a purpose, kept centrally and destroyed when its time ends?",
        measure="recordings",
    ),
    Aspect(
        "reporting_concerns",
        CONCERNS,
        "Reporting concerns",
        ("INC-1", "ROOM-8"),
        "Can staff, learners and families report a worry at once, and does it reach the DSL?",
        measure="acknowledge",
    ),
    Aspect(
        "responding",
        CONCERNS,
        "Responding to incidents",
        ("INC-2", "INC-3", "INC-4", "INC-7", "INC-9"),
        "Is each incident's severity judged, evidence kept, referrals made and the response "
        "recorded?",
    ),
    Aspect(
        "allegations",
        CONCERNS,
        "Allegations about staff",
        ("INC-10",),
        "Are allegations about staff handled apart, seen only by those who handle them?",
    ),
    Aspect(
        "training",
        STAFF,
        "Staff checks and training",
        ("ORG-3", "SES-10"),
        "Do staff have current safeguarding training, DBS checks and agreements, by role?",
        measure="staff_checks",
    ),
    Aspect(
        "filtering",
        TECHNOLOGY,
        "Filtering and monitoring",
        ("ORG-5",),
        "Are filtering and monitoring in place, their reports checked each term and reviewed "
        "each year?",
        measure="filtering",
    ),
    Aspect(
        "platforms",
        TECHNOLOGY,
        "Platforms and technology",
        ("ORG-4", "SES-11"),
        "Is every platform risk-assessed before use, and only organisation accounts used?",
    ),
    Aspect(
        "personal_information",
        TECHNOLOGY,
        "Personal information and images",
        ("ORG-7", "LOG-2"),
        "Is personal information held securely, every access logged, and images used only as "
        "consented?",
    ),
)

ASPECT_KEYS = tuple(aspect.key for aspect in ASPECTS)

EVIDENCE: dict[str, tuple[Evidence, ...]] = {
    # Where Chaperon holds the evidence of each aspect: shown on the form and the review.
    "roles": (Evidence("Safeguarding team", "governance:team"),),
    "review_and_reporting": (
        Evidence("Board report", "governance:board_reports"),
        Evidence("Annual review", "governance:reviews"),
    ),
    "agreements": (Evidence("Acceptable use agreements", "governance:agreements"),),
    "safe_sessions": (
        Evidence("Sessions", "sessions:list"),
        Evidence("Session policy", "policy:policy"),
    ),
    "consent": (Evidence("Consent by class", "consent:groups"),),
    "recordings": (Evidence("Recordings", "recordings:list"),),
    "reporting_concerns": (Evidence("Concerns", "concerns:list"),),
    "responding": (Evidence("Concerns", "concerns:list"),),
    "allegations": (Evidence("Concerns", "concerns:list"),),
    "training": (
        Evidence("Training register", "governance:training"),
        Evidence("Acceptable use agreements", "governance:agreements"),
    ),
    "filtering": (Evidence("Filtering checks and reports", "governance:filtering"),),
    "platforms": (
        Evidence("Approved platforms", "sessions:platforms"),
        Evidence("Session policy", "policy:policy"),
    ),
    "personal_information": (
        Evidence("Personal information register", "governance:personal_information"),
        Evidence("Recordings", "recordings:list"),
    ),
}
ACTION_MAX_CHARACTERS = 300
COMMENTARY_MAX_CHARACTERS = 2000

"""Building blocks for session tests: consent on record, and times that suit the policy."""

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from chaperon.consent.attachments import evidence_file
from chaperon.consent.services.answers import consent_record_by_staff
from chaperon.people.models import Learner, User
from chaperon.sessions.plans import Proposal
from tests.conftest import Cast

LONDON = ZoneInfo("Europe/London")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def consent_for(
    learner: Learner,
    actor: User,
    *,
    purposes: Sequence[str] = ("live_one_to_one", "live_group", "parent_information"),
    recording: bool = False,
    slots: Sequence[dict[str, object]] = ({"days": WEEKDAYS, "from": "09:00", "to": "15:00"},),
) -> None:
    """Record the learner's parent's written consent (a paper form), as staff would."""
    guardian = learner.relationships.first()
    answers = dict.fromkeys(purposes, "given")
    if recording:
        answers["recording"] = "given"
    consent_record_by_staff(
        actor=actor,
        learner=learner,
        guardian_id=guardian.guardian_id if guardian else None,
        answered_by_name=guardian.guardian.full_name if guardian else learner.full_name,
        channel="paper",
        answers=answers,
        slots=list(slots) if "live_one_to_one" in answers else [],
        given_on=date.today(),
        attachment=evidence_file(name="consent.pdf", content=PDF),
    )


def next_weekday_at(hour: int, minute: int = 0, *, weekday: int = 1, weeks: int = 1) -> datetime:
    """A time on a coming weekday (Monday = 0), London time, at least a week ahead."""
    today = datetime.now(LONDON).date()
    days = (weekday - today.weekday()) % 7 + 7 * weeks
    return datetime.combine(today + timedelta(days=days), time(hour, minute), tzinfo=LONDON)


def one_to_one(cast: Cast, **changes: object) -> Proposal:
    fields: dict[str, object] = {
        "organisation": cast.organisation,
        "kind": "one_to_one",
        "start": next_weekday_at(10),
        "duration_minutes": 40,
        "platform": "builtin",
        "recording_enabled": False,
        "recording_purpose": "",
        "staff": [cast.teacher],
        "learners": [cast.learner],
        "named_adult": "Morgan Alder",
        "guardians_may_drop_in": True,
        "taking_part": "video",
        "conversation_plan": "Reading practice and next week's targets.",
        "crisis_plan": "Call the DSL on the safeguarding line; the named adult stays near.",
    }
    fields.update(changes)
    if fields["recording_enabled"]:
        fields.setdefault("recording_alternative", "observer")
        fields.setdefault("recording_need", "The learner asked to watch the session back.")
    return Proposal(**fields)  # type: ignore[arg-type]


def group(cast: Cast, learners: Sequence[Learner], **changes: object) -> Proposal:
    fields: dict[str, object] = {"staff": [cast.teacher, cast.teacher2], "named_adult": ""}
    fields.update(changes)
    return one_to_one(cast, kind="group", learners=list(learners), **fields)

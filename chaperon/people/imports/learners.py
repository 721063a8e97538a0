"""Learner rows: found by external id, or (for a learner added by hand without one) by the same
name and date of birth when exactly one such learner exists."""

from chaperon.audit.actions import AuditAction
from chaperon.core.actors import SystemActor

from ..models import Learner, Organisation, User
from ..services import apply_changes
from .formats import LEARNERS, ParsedRow
from .plans import Outcome, Plan, audit, in_batches, report_repeats, validate
from .report import RowError

FIELDS = (
    "external_id",
    "first_name",
    "last_name",
    "date_of_birth",
    "year_group",
    "tutor_group",
    "adult_at_risk",
    "email",
)
COLUMNS = [column.name for column in LEARNERS.columns]

type _Key = tuple[str, str, object]


def _key(first_name: str, last_name: str, date_of_birth: object) -> _Key:
    return (first_name.casefold(), last_name.casefold(), date_of_birth)


class LearnerPlan(Plan):
    def __init__(self) -> None:
        super().__init__()
        self.new: list[tuple[int, Learner]] = []
        self.changed: list[tuple[int, Learner, list[str]]] = []

    def write(self, actor: User | SystemActor) -> None:
        for batch in in_batches(self.new):
            Learner.objects.bulk_create([learner for _, learner in batch])
            for line, learner in batch:
                audit(AuditAction.LEARNER_CREATED, actor, learner)
                self.done(line)
        for line, learner, changed in self.changed:
            learner.save(update_fields=[*changed, "updated_at"])
            audit(AuditAction.LEARNER_UPDATED, actor, learner, {"changed": changed})
            self.done(line)


def plan(*, organisation: Organisation, rows: list[ParsedRow], errors: list[RowError]) -> Plan:
    report_repeats(rows, "external_id", errors, why="each learner must appear once")
    # With their organisation, by whose date each learner's date of birth is checked.
    learners = list(
        Learner.objects.filter(organisation=organisation).select_related("organisation")
    )
    by_external_id = {learner.external_id: learner for learner in learners if learner.external_id}
    without_id: dict[_Key, list[Learner]] = {}
    for hand_made in learners:
        if not hand_made.external_id:
            key = _key(hand_made.first_name, hand_made.last_name, hand_made.date_of_birth)
            without_id.setdefault(key, []).append(hand_made)
    result = LearnerPlan()
    for row in rows:
        if not row.ok:
            continue
        values = row.values
        learner = by_external_id.get(values["external_id"])
        if learner is None:
            key = _key(values["first_name"], values["last_name"], values["date_of_birth"])
            candidates = without_id.pop(key, [])
            # Two hand-made records alike are not guessed between: the row makes a new one.
            learner = candidates[0] if len(candidates) == 1 else None
        _add(result, organisation, row, learner, errors)
    return result


def _add(
    result: LearnerPlan,
    organisation: Organisation,
    row: ParsedRow,
    learner: Learner | None,
    errors: list[RowError],
) -> None:
    wanted = {name: row.values[name] for name in FIELDS if name in row.values}
    if learner is None:
        learner = Learner(organisation=organisation, **wanted)
        validate(learner, row.line, errors, columns=COLUMNS, exclude=["organisation", "site"])
        result.new.append((row.line, learner))
        result.step(row.line, Outcome.CREATED)
        return
    changed = apply_changes(learner, wanted)
    if not changed:
        result.step(row.line, Outcome.UNCHANGED)
        return
    validate(learner, row.line, errors, columns=COLUMNS, exclude=["organisation", "site"])
    result.changed.append((row.line, learner, changed))
    result.step(row.line, Outcome.UPDATED)

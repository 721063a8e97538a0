"""Guardian rows: one row per relationship between a parent or carer and a learner. Someone with
two children appears on two rows, with the same external id and the same details on each."""

from dataclasses import dataclass
from typing import Any

from chaperon.audit.actions import AuditAction
from chaperon.core.actors import SystemActor

from ..models import ContactMethod, Guardian, GuardianRelationship, Learner, Organisation, User
from ..services import apply_changes
from .formats import GUARDIANS, ParsedRow
from .plans import Outcome, Plan, audit, group_by, in_batches, report_repeats, validate
from .report import RowError

DETAILS = ("full_name", "email", "phone", "preferred_contact")
COLUMNS = [column.name for column in GUARDIANS.columns]
_NOT_VALIDATED = ["organisation", "guardian", "learner"]


@dataclass
class _Existing:
    guardians: dict[str, Guardian]
    by_email: dict[str, Guardian]
    learners: dict[str, Learner]
    links: dict[tuple[int, int], GuardianRelationship]


class GuardianPlan(Plan):
    def __init__(self) -> None:
        super().__init__()
        self.new: list[tuple[int, Guardian]] = []
        self.changed: list[tuple[int, Guardian, list[str]]] = []
        self.new_links: list[tuple[int, GuardianRelationship]] = []
        self.changed_links: list[tuple[int, GuardianRelationship, list[str]]] = []

    def write(self, actor: User | SystemActor) -> None:
        # Guardians first: a new relationship needs its guardian's id.
        for batch in in_batches(self.new):
            Guardian.objects.bulk_create([guardian for _, guardian in batch])
            for line, guardian in batch:
                audit(AuditAction.GUARDIAN_CREATED, actor, guardian)
                self.done(line)
        for line, guardian, changed in self.changed:
            guardian.save(update_fields=[*changed, "updated_at"])
            audit(AuditAction.GUARDIAN_UPDATED, actor, guardian, {"changed": changed})
            self.done(line)
        for link_batch in in_batches(self.new_links):
            GuardianRelationship.objects.bulk_create([link for _, link in link_batch])
            for line, link in link_batch:
                facts = {"guardian": link.guardian_id, "learner": link.learner_id}
                audit(AuditAction.GUARDIAN_LINKED, actor, link, facts)
                self.done(line)
        for line, link, changed in self.changed_links:
            link.save(update_fields=[*changed, "updated_at"])
            audit(AuditAction.GUARDIAN_LINK_UPDATED, actor, link, {"changed": changed})
            self.done(line)


def plan(*, organisation: Organisation, rows: list[ParsedRow], errors: list[RowError]) -> Plan:
    report_repeats(
        rows,
        "learner_external_id",
        errors,
        why="each parent or carer is linked to a learner once",
        key=lambda row: (row.values.get("external_id"), row.values["learner_external_id"]),
    )
    groups = group_by(rows, "external_id")
    report_repeats(
        [group[0] for group in groups.values()],
        "email",
        errors,
        why="each parent or carer needs their own email address, so that what they consent to "
        "is theirs",
    )
    existing = _load(organisation)
    result = GuardianPlan()
    for external_id, group in groups.items():
        _report_differences(group, errors)
        if not all(row.ok for row in group):
            continue
        found = _guardian(result, organisation, external_id, group[0], existing, errors)
        if found is None:
            continue
        guardian, written = found
        for row in group:
            # The guardian's own change is written once, and counted on their first row.
            operations = int(written and row is group[0])
            _link(result, organisation, row, guardian, existing, errors, operations=operations)
    result.steps.sort(key=lambda step: step.line)
    return result


def _load(organisation: Organisation) -> _Existing:
    guardians = list(Guardian.objects.filter(organisation=organisation))
    learners = Learner.objects.filter(organisation=organisation).exclude(external_id="")
    links = GuardianRelationship.objects.filter(organisation=organisation)
    return _Existing(
        guardians={
            guardian.external_id: guardian for guardian in guardians if guardian.external_id
        },
        by_email={guardian.email: guardian for guardian in guardians if guardian.email},
        learners={learner.external_id: learner for learner in learners},
        links={(link.guardian_id, link.learner_id): link for link in links},
    )


def _report_differences(group: list[ParsedRow], errors: list[RowError]) -> None:
    first = group[0]
    for row in group[1:]:
        for name in DETAILS:
            if (
                name in row.values
                and name in first.values
                and (row.values[name] != first.values[name])
            ):
                errors.append(
                    RowError(
                        row.line,
                        name,
                        f"differs from line {first.line} for the same external id; "
                        "give a parent or carer the same details on each of their rows",
                    )
                )


def _guardian(
    result: GuardianPlan,
    organisation: Organisation,
    external_id: str,
    row: ParsedRow,
    existing: _Existing,
    errors: list[RowError],
) -> tuple[Guardian, bool] | None:
    """The guardian of this group of rows, and whether the first row creates or changes them."""
    values = row.values
    guardian = existing.guardians.get(external_id)
    email = values.get("email", "")
    holder = existing.by_email.get(email) if email else None
    if guardian is None and holder is not None and not holder.external_id:
        guardian = holder  # added by hand: this row gives them their external id
    elif holder is not None and holder != guardian:
        errors.append(
            RowError(
                row.line,
                "email",
                f"{email} is already the email address of the parent or carer with external id "
                f"“{holder.external_id or 'none'}”; each needs their own email address",
            )
        )
        return None
    wanted: dict[str, Any] = {"external_id": external_id}
    wanted.update((name, values[name]) for name in DETAILS if name in values)
    preferred = _preferred_contact(row, guardian, errors)
    if preferred is None:
        wanted.pop("preferred_contact", None)
    else:
        wanted["preferred_contact"] = preferred
    if guardian is None:
        guardian = Guardian(organisation=organisation, **wanted)
        result.new.append((row.line, guardian))
    elif changed := apply_changes(guardian, wanted):
        result.changed.append((row.line, guardian, changed))
    else:
        return guardian, False
    validate(guardian, row.line, errors, columns=COLUMNS, exclude=_NOT_VALIDATED)
    return guardian, True


def _preferred_contact(
    row: ParsedRow, guardian: Guardian | None, errors: list[RowError]
) -> str | None:
    """How to contact them: as given, else what their details allow; ``None``: unchanged."""
    given = row.values.get("preferred_contact")
    email = row.values.get("email", guardian.email if guardian else "")
    phone = row.values.get("phone", guardian.phone if guardian else "")
    if given is None and guardian is not None:
        return None
    if not given:
        return ContactMethod.EMAIL if email or not phone else ContactMethod.PHONE
    if given == ContactMethod.EMAIL and not email:
        errors.append(
            RowError(
                row.line,
                "preferred_contact",
                "is email but there is no email address; give one or choose phone or sms",
            )
        )
    return str(given)  # a phone or text message without a number: the model refuses it


def _link(
    result: GuardianPlan,
    organisation: Organisation,
    row: ParsedRow,
    guardian: Guardian,
    existing: _Existing,
    errors: list[RowError],
    *,
    operations: int,
) -> None:
    """The row's relationship step; ``operations`` counts a guardian change made on it."""
    learner_id = row.values["learner_external_id"]
    learner = existing.learners.get(learner_id)
    if learner is None:
        errors.append(
            RowError(
                row.line,
                "learner_external_id",
                f"no learner has the external id “{learner_id}”; import the learners first",
            )
        )
        return
    link = existing.links.get((guardian.pk, learner.pk)) if guardian.pk else None
    wanted = {
        "relationship": row.values["relationship"],
        "parental_responsibility": row.values.get(
            "parental_responsibility", link.parental_responsibility if link else False
        ),
    }
    if link is None:
        link = GuardianRelationship(
            organisation=organisation, guardian=guardian, learner=learner, **wanted
        )
        validate(link, row.line, errors, columns=COLUMNS, exclude=_NOT_VALIDATED)
        result.new_links.append((row.line, link))
        result.step(row.line, Outcome.CREATED, operations + 1)
    elif changed := apply_changes(link, wanted):
        validate(link, row.line, errors, columns=COLUMNS, exclude=_NOT_VALIDATED)
        result.changed_links.append((row.line, link, changed))
        result.step(row.line, Outcome.UPDATED, operations + 1)
    elif operations:
        result.step(row.line, Outcome.UPDATED, operations)
    else:
        result.step(row.line, Outcome.UNCHANGED)

"""Staff rows: each one person who signs in, found by external id (or, for someone added by hand
and not yet given one, by email address). New staff have no password: they choose one through
"Forgotten your password, or never set one?" on the sign-in page."""

from dataclasses import dataclass

from django.db.models import Model

from chaperon.audit.actions import AuditAction
from chaperon.core import events
from chaperon.core.actors import SystemActor

from ..events import StaffChanged
from ..models import Organisation, StaffMember, StaffRole, User
from ..privileges import Refusal, role_change_refusal, sign_in_change_refusal
from ..services import apply_changes
from .formats import STAFF, ParsedRow
from .plans import Outcome, Plan, audit, in_batches, report_repeats, validate
from .report import RowError

USER_FIELDS = ("full_name", "email")
STAFF_FIELDS = (
    "external_id",
    "job_title",
    "dbs_checked_on",
    "dbs_type",
    "safeguarding_training_on",
    "aup_signed_on",
)
COLUMNS = [column.name for column in STAFF.columns]
_NOT_VALIDATED = ["organisation", "user", "site", "line_manager", "password"]
_CHUNK = 500


@dataclass
class _Change:
    line: int
    member: StaffMember
    changed: list[str]  # fields of the user and of the staff record
    roles_before: list[str]
    roles: list[str] | None  # the new roles, if they change


class StaffPlan(Plan):
    def __init__(self) -> None:
        super().__init__()
        self.new: list[tuple[int, StaffMember, list[str]]] = []
        self.changed: list[_Change] = []

    def write(self, actor: User | SystemActor) -> None:
        for batch in in_batches(self.new):
            users = User.objects.bulk_create([member.user for _, member, _ in batch])
            for (_, member, _), user in zip(batch, users, strict=True):
                member.user = user
            StaffMember.objects.bulk_create([member for _, member, _ in batch])
            StaffRole.objects.bulk_create(
                StaffRole(staff=member, role=role) for _, member, roles in batch for role in roles
            )
            for line, member, roles in batch:
                audit(
                    AuditAction.STAFF_CREATED,
                    actor,
                    member,
                    {"roles": roles, "user": member.user.pk},
                )
                self.done(line)
        for change in self.changed:
            self._update(actor, change)
            self.done(change.line)

    def check_allowed(self, actor: User | SystemActor, errors: list[RowError]) -> None:
        for line, member, roles in self.new:
            why = role_change_refusal(actor, holder=None, before=[], after=roles)
            self._refuse(line, "roles", why, member.organisation, errors)
        for change in self.changed:
            holder = change.member.user
            if change.roles is not None:
                why = role_change_refusal(
                    actor, holder=holder, before=change.roles_before, after=change.roles
                )
                self._refuse(change.line, "roles", why, change.member, errors)
            if "email" in change.changed:
                why = sign_in_change_refusal(actor, holder=holder, roles=change.roles_before)
                self._refuse(change.line, "email", why, change.member, errors)

    def _refuse(
        self, line: int, column: str, why: str | None, obj: Model, errors: list[RowError]
    ) -> None:
        if why:
            errors.append(RowError(line, column, why))
            self.refusals.append(Refusal(obj, why, {"line": line, "asked": [column]}))

    @staticmethod
    def _update(actor: User | SystemActor, change: _Change) -> None:
        member = change.member
        if change.changed:
            user_fields = [name for name in change.changed if name in USER_FIELDS]
            if user_fields:
                member.user.save(update_fields=user_fields)
            member.save(update_fields=[*set(change.changed) - set(user_fields), "updated_at"])
            audit(AuditAction.STAFF_UPDATED, actor, member, {"changed": change.changed})
            events.publish(
                StaffChanged(organisation_id=member.organisation_id, user_id=member.user_id)
            )
        if change.roles is not None:
            member.roles.exclude(role__in=change.roles).delete()
            StaffRole.objects.bulk_create(
                StaffRole(staff=member, role=role)
                for role in change.roles
                if role not in change.roles_before
            )
            audit(
                AuditAction.STAFF_ROLES_CHANGED,
                actor,
                member,
                {"before": change.roles_before, "after": change.roles},
            )


def plan(*, organisation: Organisation, rows: list[ParsedRow], errors: list[RowError]) -> Plan:
    report_repeats(rows, "external_id", errors, why="each member of staff must appear once")
    report_repeats(rows, "email", errors, why="each person needs their own email address")
    members = list(
        StaffMember.objects.filter(organisation=organisation)
        .select_related("user", "organisation")  # checks' dates are judged by its date
        .prefetch_related("roles")
    )
    by_external_id = {member.external_id: member for member in members if member.external_id}
    by_email = {member.user.email: member for member in members}
    taken = _emails_taken_elsewhere(
        [row.values["email"] for row in rows if "email" in row.values], exclude=set(by_email)
    )
    result = StaffPlan()
    for row in rows:
        if not row.ok:
            continue
        before = len(errors)
        member = _match(row, by_external_id, by_email, taken, errors)
        if len(errors) == before:
            _add(result, organisation, row, member, errors)
    return result


def _emails_taken_elsewhere(emails: list[str], *, exclude: set[str]) -> set[str]:
    """Emails of accounts that are not this organisation's staff (accounts are global)."""
    taken: set[str] = set()
    for start in range(0, len(emails), _CHUNK):
        chunk = emails[start : start + _CHUNK]
        taken.update(User.objects.filter(email__in=chunk).values_list("email", flat=True))
    return taken - exclude


def _match(
    row: ParsedRow,
    by_external_id: dict[str, StaffMember],
    by_email: dict[str, StaffMember],
    taken: set[str],
    errors: list[RowError],
) -> StaffMember | None:
    """The staff member this row describes (``None``: someone new); conflicts are reported."""
    email = row.values["email"]
    member = by_external_id.get(row.values["external_id"])
    holder = by_email.get(email)
    if member is None and holder is not None and not holder.external_id:
        return holder  # added by hand: this row gives them their external id
    if holder is not None and holder != member:
        errors.append(
            RowError(
                row.line,
                "email",
                f"{email} already belongs to the member of staff with external id "
                f"“{holder.external_id}”; each person needs their own email address",
            )
        )
    elif email in taken:
        errors.append(
            RowError(
                row.line,
                "email",
                f"{email} already belongs to another account; each person needs their own "
                "email address",
            )
        )
    return member


def _add(
    result: StaffPlan,
    organisation: Organisation,
    row: ParsedRow,
    member: StaffMember | None,
    errors: list[RowError],
) -> None:
    values = row.values
    user_wanted = {name: values[name] for name in USER_FIELDS}
    staff_wanted = {name: values[name] for name in STAFF_FIELDS if name in values}
    if member is None:
        user = User(organisation=organisation, **user_wanted)
        user.set_unusable_password()
        member = StaffMember(organisation=organisation, user=user, **staff_wanted)
        validate(user, row.line, errors, columns=COLUMNS, exclude=_NOT_VALIDATED)
        validate(member, row.line, errors, columns=COLUMNS, exclude=_NOT_VALIDATED)
        result.new.append((row.line, member, values["roles"]))
        result.step(row.line, Outcome.CREATED)
        return
    changed = sorted(apply_changes(member.user, user_wanted) + apply_changes(member, staff_wanted))
    roles_before = sorted(member.role_set)
    roles = values["roles"] if values["roles"] != roles_before else None
    if not changed and roles is None:
        result.step(row.line, Outcome.UNCHANGED)
        return
    validate(member.user, row.line, errors, columns=COLUMNS, exclude=_NOT_VALIDATED)
    validate(member, row.line, errors, columns=COLUMNS, exclude=_NOT_VALIDATED)
    result.changed.append(_Change(row.line, member, changed, roles_before, roles))
    result.step(row.line, Outcome.UPDATED)

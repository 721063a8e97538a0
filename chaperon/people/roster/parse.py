"""From a OneRoster export's rows to what Chaperon should hold: its learners, staff, parents
and carers, groups and who is in each, every bad value reported with its file, line and
column."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from ..imports.values import BadValue, parse_date, parse_email, phone, text
from ..models import OLDEST_AGE_YEARS, GroupKind, Relationship, years_before
from .files import RosterFiles, Row, rows_of
from .report import RosterError

ID_MAX = 64  # the longest id Chaperon keeps for a person or a group
LEARNER_ROLES = {"student"}
STAFF_ROLES = {
    "teacher",
    "aide",
    "proctor",
    "administrator",
    "principal",
    "siteadministrator",
    "districtadministrator",
    "counselor",
}
GUARDIAN_ROLES = {"guardian": Relationship.CARER, "parent": Relationship.PARENT, "relative": None}
ROLES = sorted([*LEARNER_ROLES, *STAFF_ROLES, *GUARDIAN_ROLES])
# Parental responsibility is assumed for a parent or guardian, not for another relative.
YEAR_GROUP_PREFIX = "year:"


@dataclass
class WantedLearner:
    row: Row
    first_name: str
    last_name: str
    email: str
    date_of_birth: date
    year_group: str
    tutor_group: str = ""


@dataclass
class WantedStaff:
    row: Row
    full_name: str
    email: str


@dataclass
class WantedGuardian:
    row: Row
    full_name: str
    email: str
    phone: str
    relationship: str


@dataclass
class WantedGroup:
    row: Row | None
    kind: str
    name: str
    course: str


@dataclass
class Roster:
    rows: int = 0
    learners: dict[str, WantedLearner] = field(default_factory=dict)
    staff: dict[str, WantedStaff] = field(default_factory=dict)
    guardians: dict[str, WantedGuardian] = field(default_factory=dict)
    groups: dict[str, WantedGroup] = field(default_factory=dict)
    # Per group: the learners' and the teachers' sourcedIds.
    group_learners: dict[str, set[str]] = field(default_factory=dict)
    group_teachers: dict[str, set[str]] = field(default_factory=dict)
    # (guardian, learner) sourcedIds.
    links: set[tuple[str, str]] = field(default_factory=set)
    # Users whose rows have problems (already reported): what refers to them is not.
    refused: set[str] = field(default_factory=set)
    refused_groups: set[str] = field(default_factory=set)


class _Cells:
    """Read a row's cells through parsers, collecting each problem instead of stopping."""

    def __init__(self, row: Row, errors: list[RosterError]) -> None:
        self.row, self.errors, self.ok = row, errors, True

    def read(self, column: str, parse: Callable[[str], str], *, required: bool = False) -> str:
        raw = self.row.get(column)
        if required and not raw:
            self.fail(column, "is empty; every row needs a value here")
            return ""
        try:
            return parse(raw)
        except BadValue as error:
            self.fail(column, str(error))
            return ""

    def fail(self, column: str, message: str) -> None:
        self.ok = False
        self.errors.append(self.row.error(column, message))


def _text(max_length: int) -> Callable[[str], str]:
    parse = text(max_length)
    return lambda raw: str(parse(raw)) if raw else ""


def _email(raw: str) -> str:
    return parse_email(raw) if raw else ""


def _phone(raw: str) -> str:
    return str(phone(32)(raw)) if raw else ""


def year_group_of(grades: str) -> str:
    """OneRoster's grade ("09", "9", "KG") as a year group people read ("Year 9")."""
    first = grades.split(",")[0].strip()
    if first.isdigit():
        return f"Year {int(first)}"
    return {"KG": "Reception", "PK": "Nursery"}.get(first.upper(), first)


def _roles(files: RosterFiles, users: list[Row], errors: list[RosterError]) -> dict[str, str]:
    """Each user's role: their primary role in roles.csv (OneRoster 1.2), or else the role
    column of users.csv (as OneRoster 1.1 has it)."""
    if "roles.csv" in files:
        found: dict[str, str] = {}
        for row in rows_of(files, "roles.csv", ("userSourcedId", "role"), errors):
            user = row.get("userSourcedId")
            primary = row.get("roleType").lower() in ("", "primary")
            if user and (primary or user not in found):
                found[user] = row.get("role").lower()
        return found
    if users and "role" not in users[0].values:
        errors.append(
            RosterError(
                "users.csv", 1, "role", "is missing: add the role column, or the export's roles.csv"
            )
        )
    return {row.get("sourcedId"): row.get("role").lower() for row in users}


def _birth_dates(files: RosterFiles, errors: list[RosterError]) -> dict[str, tuple[Row, str]]:
    rows = rows_of(files, "demographics.csv", ("sourcedId", "birthDate"), errors)
    return {row.get("sourcedId"): (row, row.get("birthDate")) for row in rows}


def _birth_date(
    cells: _Cells, found: tuple[Row, str] | None, today: date, errors: list[RosterError]
) -> date | None:
    if found is None or not found[1]:
        cells.fail(
            "sourcedId",
            "is a learner with no birthDate in demographics.csv: Chaperon needs every "
            "learner's date of birth; add it to the export",
        )
        return None
    row, raw = found
    try:
        born = parse_date(raw)
    except BadValue as error:
        errors.append(row.error("birthDate", str(error)))
        cells.ok = False
        return None
    if born > today or born < years_before(today, OLDEST_AGE_YEARS):
        errors.append(
            row.error("birthDate", f"{born:%d/%m/%Y} cannot be a learner's date of birth")
        )
        cells.ok = False
        return None
    return born


def _user(
    roster: Roster,
    row: Row,
    role: str,
    born: dict[str, tuple[Row, str]],
    today: date,
    errors: list[RosterError],
) -> None:
    cells = _Cells(row, errors)
    sid = cells.read("sourcedId", _text(ID_MAX), required=True)
    given = cells.read("givenName", _text(100), required=True)
    family = cells.read("familyName", _text(100), required=True)
    email = cells.read("email", _email)
    if role in LEARNER_ROLES:
        birth = _birth_date(cells, born.get(sid), today, errors)
        year = year_group_of(row.get("grades"))
        if cells.ok and birth:
            roster.learners[sid] = WantedLearner(row, given, family, email, birth, year)
    elif role in STAFF_ROLES:
        if not email:
            cells.fail("email", "is empty; a member of staff signs in with their email address")
        if cells.ok:
            roster.staff[sid] = WantedStaff(row, f"{given} {family}", email)
    elif role in GUARDIAN_ROLES:
        number = cells.read("phone", _phone) or cells.read("sms", _phone)
        relationship = GUARDIAN_ROLES[role] or Relationship.OTHER
        if cells.ok:
            roster.guardians[sid] = WantedGuardian(
                row, f"{given} {family}", email, number, relationship
            )
    else:
        cells.fail("role", f"“{role}” is not a role Chaperon reads; use one of {', '.join(ROLES)}")


def _users(files: RosterFiles, roster: Roster, today: date, errors: list[RosterError]) -> None:
    if "users.csv" not in files:
        errors.append(RosterError("users.csv", 0, "", "is missing from the export: add it"))
        return
    users = rows_of(files, "users.csv", ("sourcedId", "givenName", "familyName"), errors)
    roles = _roles(files, users, errors)
    born = _birth_dates(files, errors)
    seen: set[str] = set()
    for row in users:
        sid = row.get("sourcedId")
        if sid in seen:
            errors.append(row.error("sourcedId", f"“{sid}” is given twice; each user once"))
            continue
        seen.add(sid)
        reported = len(errors)
        _user(roster, row, roles.get(sid, ""), born, today, errors)
        if len(errors) > reported:
            roster.refused.add(sid)
    _links(users, roster, seen, errors)
    _unique_staff_emails(roster, errors)
    roster.rows += len(users)


def _links(users: list[Row], roster: Roster, known: set[str], errors: list[RosterError]) -> None:
    """Parents and carers of each learner, from either side's agentSourcedIds."""
    for row in users:
        sid = row.get("sourcedId")
        for agent in filter(None, (a.strip() for a in row.get("agentSourcedIds").split(","))):
            if agent in roster.refused:
                continue
            if agent not in known:
                errors.append(
                    row.error("agentSourcedIds", f"“{agent}” is not the sourcedId of any user")
                )
            elif sid in roster.learners and agent in roster.guardians:
                roster.links.add((agent, sid))
            elif sid in roster.guardians and agent in roster.learners:
                roster.links.add((sid, agent))


def _unique_staff_emails(roster: Roster, errors: list[RosterError]) -> None:
    first: dict[str, str] = {}
    for sid, staff in roster.staff.items():
        if staff.email in first:
            errors.append(
                staff.row.error(
                    "email",
                    f"{staff.email} is also the address of {first[staff.email]}; each member "
                    "of staff signs in with their own",
                )
            )
        first.setdefault(staff.email, sid)


def _groups(files: RosterFiles, roster: Roster, errors: list[RosterError]) -> None:
    courses = {
        row.get("sourcedId"): row.get("title")
        for row in rows_of(files, "courses.csv", ("sourcedId", "title"), errors)
    }
    classes = rows_of(files, "classes.csv", ("sourcedId", "title"), errors)
    roster.rows += len(classes) + len(courses)
    for row in classes:
        cells = _Cells(row, errors)
        sid = cells.read("sourcedId", _text(ID_MAX), required=True)
        name = cells.read("title", _text(200), required=True)
        course_id = row.get("courseSourcedId")
        if course_id and courses and course_id not in courses:
            cells.fail("courseSourcedId", f"“{course_id}” is not a course in courses.csv")
        kind = GroupKind.TUTOR if row.get("classType").lower() == "homeroom" else GroupKind.CLASS
        if sid in roster.groups:
            cells.fail("sourcedId", f"“{sid}” is given twice; each class once")
        if not cells.ok:
            roster.refused_groups.add(row.get("sourcedId"))
        else:
            course = (courses.get(course_id) or "")[:200]
            roster.groups[sid] = WantedGroup(row, kind, name, course)
            roster.group_learners[sid], roster.group_teachers[sid] = set(), set()


def _enrolments(files: RosterFiles, roster: Roster, errors: list[RosterError]) -> None:
    required = ("classSourcedId", "userSourcedId", "role")
    rows = rows_of(files, "enrollments.csv", required, errors)
    roster.rows += len(rows)
    for row in rows:
        group, user, role = row.get("classSourcedId"), row.get("userSourcedId"), row.get("role")
        if user in roster.refused or group in roster.refused_groups:
            continue
        if group not in roster.groups:
            errors.append(row.error("classSourcedId", f"“{group}” is not a class in classes.csv"))
        elif role.lower() == "student" and user in roster.learners:
            roster.group_learners[group].add(user)
            if roster.groups[group].kind == GroupKind.TUTOR:
                roster.learners[user].tutor_group = (
                    roster.learners[user].tutor_group or (roster.groups[group].name[:50])
                )
        elif role.lower() in STAFF_ROLES and user in roster.staff:
            roster.group_teachers[group].add(user)
        elif user not in roster.learners and user not in roster.staff:
            errors.append(
                row.error("userSourcedId", f"“{user}” is not a learner or staff in users.csv")
            )
        else:
            errors.append(
                row.error("role", f"“{role}” does not match the user's role in users.csv")
            )


def _year_groups(roster: Roster) -> None:
    """A year group for each year the learners are in (Year 9 holds every Year 9 learner)."""
    for sid, learner in roster.learners.items():
        if not learner.year_group:
            continue
        learner.year_group = learner.year_group[:50]
        group = f"{YEAR_GROUP_PREFIX}{learner.year_group}"[:ID_MAX]
        if group not in roster.groups:
            roster.groups[group] = WantedGroup(None, GroupKind.YEAR, learner.year_group, "")
            roster.group_learners[group], roster.group_teachers[group] = set(), set()
        roster.group_learners[group].add(sid)


def _others(files: RosterFiles, roster: Roster, errors: list[RosterError]) -> None:
    """orgs.csv and academicSessions.csv are read for their shape only."""
    for name in ("orgs.csv", "academicSessions.csv"):
        roster.rows += len(rows_of(files, name, ("sourcedId",), errors))


def read_roster(files: RosterFiles, *, today: date) -> tuple[Roster, list[RosterError]]:
    """What the export says Chaperon should hold, and every problem found in it."""
    roster = Roster()
    errors: list[RosterError] = []
    _others(files, roster, errors)
    _users(files, roster, today, errors)
    _groups(files, roster, errors)
    # A file missing, or missing a column, is named once: not again by every enrolment.
    if not any(error.line <= 1 for error in errors):
        _enrolments(files, roster, errors)
    _year_groups(roster)
    return roster, sorted(set(errors))

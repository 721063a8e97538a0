"""The fictional OneRoster export of tests/people/oneroster_sample, copied so that a test may
change it, and what the people records hold, to compare before and after an import."""

import csv
import io
import shutil
from pathlib import Path

from chaperon.core.actors import SYSTEM
from chaperon.people.models import (
    Group,
    GroupMember,
    Guardian,
    GuardianRelationship,
    Learner,
    Organisation,
    StaffMember,
    StaffRole,
    User,
)
from chaperon.people.roster import RosterResult, read_folder, roster_import

SAMPLE = Path(__file__).parent / "oneroster_sample"


def sample_copy(folder: Path) -> Path:
    target = folder / "export"
    shutil.copytree(SAMPLE, target)
    return target


def import_folder(
    folder: Path, organisation: Organisation, *, apply: bool = True, actor=SYSTEM
) -> RosterResult:
    return roster_import(
        actor=actor, organisation=organisation, files=read_folder(folder), apply=apply
    )


def edit_rows(folder: Path, name: str, change) -> None:
    """Rewrite ``name``'s rows: ``change(row)`` returns the row (a dict) to keep, or None."""
    path = folder / name
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    kept = [row for row in (change(dict(row)) for row in rows) if row is not None]
    header = list(kept[0].keys()) if kept else list(rows[0].keys())
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(kept)
    path.write_text(out.getvalue())


def append_row(folder: Path, name: str, values: dict[str, str]) -> None:
    path = folder / name
    header = next(csv.reader(io.StringIO(path.read_text())))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([values.get(column, "") for column in header])
    path.write_text(path.read_text() + out.getvalue())


def without_user(folder: Path, sourced_id: str) -> None:
    """Take a user out of every file of the export, as an information system would."""
    edit_rows(folder, "users.csv", lambda row: None if row["sourcedId"] == sourced_id else row)
    edit_rows(folder, "roles.csv", lambda row: None if row["userSourcedId"] == sourced_id else row)
    edit_rows(
        folder, "demographics.csv", lambda row: None if row["sourcedId"] == sourced_id else row
    )
    edit_rows(
        folder, "enrollments.csv", lambda row: None if row["userSourcedId"] == sourced_id else row
    )


def snapshot(organisation: Organisation) -> dict[str, list[tuple]]:
    """Every people record of ``organisation``, with when it last changed."""
    org = {"organisation": organisation}
    return {
        "learners": list(Learner.objects.filter(**org).order_by("pk").values_list()),
        "staff": list(StaffMember.objects.filter(**org).order_by("pk").values_list()),
        "users": list(User.objects.filter(**org).order_by("pk").values_list()),
        "roles": list(
            StaffRole.objects.filter(staff__organisation=organisation).order_by("pk").values_list()
        ),
        "guardians": list(Guardian.objects.filter(**org).order_by("pk").values_list()),
        "links": list(GuardianRelationship.objects.filter(**org).order_by("pk").values_list()),
        "groups": list(Group.objects.filter(**org).order_by("pk").values_list()),
        "members": list(
            GroupMember.objects.filter(group__organisation=organisation)
            .order_by("pk")
            .values_list()
        ),
    }

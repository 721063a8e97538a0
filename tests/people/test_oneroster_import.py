"""Importing a OneRoster 1.2 CSV export (the fictional one in oneroster_sample): learners,
staff, parents and carers, classes, year and tutor groups, reconciled by sourcedId. The same
export twice changes nothing; an export with bad rows changes nothing and names every bad row;
a learner gone from the export is marked as left, never deleted, and keeps their concerns."""

from pathlib import Path

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.concerns.models import Concern
from chaperon.concerns.services import concern_raise
from chaperon.core.exceptions import NotFound, PermissionDenied
from chaperon.people.models import (
    Group,
    GroupKind,
    GroupMember,
    Guardian,
    GuardianRelationship,
    Learner,
    StaffMember,
    User,
)
from chaperon.people.roster import RosterError
from tests.conftest import Cast
from tests.people.roster_support import (
    append_row,
    edit_rows,
    import_folder,
    sample_copy,
    snapshot,
    without_user,
)

pytestmark = pytest.mark.clause("ORG-1")


@pytest.fixture
def export(tmp_path: Path) -> Path:
    return sample_copy(tmp_path)


def _members(group: Group) -> set[str]:
    names = set()
    for member in group.members.select_related("learner", "staff__user"):
        person = member.learner or (member.staff and member.staff.user)
        names.add(person.full_name if person else "")
    return names


def test_the_export_becomes_learners_staff_guardians_and_groups(cast: Cast, export: Path) -> None:
    result = import_folder(export, cast.organisation)

    assert result.errors == []
    assert result.applied
    assert result.learners.counts == {"created": 3, "updated": 0, "left": 0, "unchanged": 0}
    amara = Learner.objects.get(organisation=cast.organisation, external_id="usr-s1")
    assert (amara.full_name, amara.year_group, amara.tutor_group) == (
        "Amara Quayle",
        "Year 9",
        "9 Ash",
    )
    assert amara.date_of_birth.isoformat() == "2012-03-14"
    ffion = StaffMember.objects.get(organisation=cast.organisation, external_id="usr-t1")
    assert ffion.user.email == "ffion.marlow@harbour.example"
    assert ffion.role_set == {"teacher"}
    assert not ffion.user.has_usable_password()
    hollis = Guardian.objects.get(organisation=cast.organisation, external_id="usr-p1")
    link = GuardianRelationship.objects.get(guardian=hollis)
    assert (link.learner, link.relationship, link.parental_responsibility) == (
        amara,
        "parent",
        True,
    )
    french = Group.objects.get(organisation=cast.organisation, external_id="cls-9fr2")
    assert (french.kind, french.course) == (GroupKind.CLASS, "Year 9 French")
    assert _members(french) == {"Ffion Marlow", "Amara Quayle", "Bryn Tallis"}
    tutor = Group.objects.get(organisation=cast.organisation, external_id="cls-9ash")
    assert tutor.kind == GroupKind.TUTOR
    assert _members(tutor) == {"Gareth Penhale", "Amara Quayle", "Bryn Tallis", "Cerys Vance"}
    year = Group.objects.get(organisation=cast.organisation, kind=GroupKind.YEAR)
    assert year.name == "Year 9"
    assert _members(year) == {"Amara Quayle", "Bryn Tallis", "Cerys Vance"}
    [event] = AuditEvent.objects.filter(action=AuditAction.ROSTER_IMPORTED)
    assert event.details["learners"]["created"] == 3


@pytest.mark.clause("LOG-2")
def test_importing_the_same_export_twice_changes_nothing_the_second_time(
    cast: Cast, export: Path
) -> None:
    import_folder(export, cast.organisation)
    before = snapshot(cast.organisation)
    events = AuditEvent.objects.count()

    again = import_folder(export, cast.organisation)

    assert again.errors == []
    assert again.changes_nothing
    assert again.learners.unchanged == 3
    assert again.staff.unchanged == 2
    assert again.groups.unchanged == 3
    assert snapshot(cast.organisation) == before
    # Only the import itself is recorded.
    assert list(AuditEvent.objects.order_by("id")[events:].values_list("action", flat=True)) == [
        AuditAction.ROSTER_IMPORTED
    ]


def test_a_preview_says_what_would_change_and_writes_nothing(cast: Cast, export: Path) -> None:
    before, events = snapshot(cast.organisation), AuditEvent.objects.count()

    preview = import_folder(export, cast.organisation, apply=False)

    assert not preview.applied
    assert sorted(preview.learners.created) == ["Amara Quayle", "Bryn Tallis", "Cerys Vance"]
    assert preview.staff.created == ["Ffion Marlow", "Gareth Penhale"]
    assert preview.members_added == 10
    assert snapshot(cast.organisation) == before
    assert AuditEvent.objects.count() == events


def test_an_export_with_bad_rows_changes_nothing_and_lists_every_bad_row(
    cast: Cast, export: Path
) -> None:
    import_folder(export, cast.organisation)

    def renamed_and_broken(row: dict[str, str]) -> dict[str, str]:
        if row["sourcedId"] == "usr-s2":
            row["givenName"] = "Brynmor"  # a good change, which must not be saved either
        if row["sourcedId"] == "usr-t2":
            row["email"] = ""
        if row["sourcedId"] == "usr-p1":
            row["email"] = "not an address"
        return row

    edit_rows(export, "users.csv", renamed_and_broken)
    edit_rows(
        export,
        "demographics.csv",
        lambda row: {**row, "birthDate": "31/02/2012"} if row["sourcedId"] == "usr-s3" else row,
    )
    append_row(
        export,
        "enrollments.csv",
        {"sourcedId": "enr-9", "classSourcedId": "cls-none", "userSourcedId": "usr-s1"},
    )
    append_row(export, "roles.csv", {"sourcedId": "rol-x", "userSourcedId": "usr-x", "role": "x"})
    append_row(
        export, "users.csv", {"sourcedId": "usr-x", "givenName": "Pat", "familyName": "Kestrel"}
    )
    before, events = snapshot(cast.organisation), AuditEvent.objects.count()

    result = import_folder(export, cast.organisation)

    assert not result.applied
    where = [(error.file, error.line, error.column) for error in result.errors]
    assert where == [
        ("demographics.csv", 4, "birthDate"),
        ("enrollments.csv", 9, "classSourcedId"),
        ("users.csv", 3, "email"),
        ("users.csv", 7, "email"),
        ("users.csv", 9, "role"),
    ]
    assert "31/02/2012" in result.errors[0].message
    assert "not a class in classes.csv" in result.errors[1].message
    assert "signs in with their email address" in result.errors[2].message
    assert str(result.errors[4]).startswith("users.csv, line 9, column role: “x” is not a role")
    assert snapshot(cast.organisation) == before
    assert Learner.objects.get(external_id="usr-s2").first_name == "Bryn"
    [refused] = AuditEvent.objects.order_by("id")[events:]
    assert refused.action == AuditAction.ROSTER_IMPORT_REFUSED
    assert refused.details["problems"] == 5


def test_a_missing_file_or_column_is_named(cast: Cast, export: Path) -> None:
    (export / "users.csv").unlink()
    assert import_folder(export, cast.organisation).errors == [
        RosterError("users.csv", 0, "", "is missing from the export: add it")
    ]
    sample_copy(export.parent / "again")
    second = export.parent / "again" / "export"
    edit_rows(second, "classes.csv", lambda row: {k: v for k, v in row.items() if k != "title"})
    problems = import_folder(second, cast.organisation).errors
    assert [(p.file, p.line, p.column) for p in problems] == [("classes.csv", 1, "title")]
    assert not Learner.objects.filter(external_id__startswith="usr-").exists()


@pytest.mark.clause("LOG-2")
def test_a_learner_removed_from_the_export_is_marked_left_not_deleted_and_keeps_concerns(
    cast: Cast, export: Path, django_capture_on_commit_callbacks
) -> None:
    import_folder(export, cast.organisation)
    cerys = Learner.objects.get(external_id="usr-s3")
    concern = concern_raise(
        actor=cast.teacher,
        organisation=cast.organisation,
        description="Cerys said something worrying in the lesson.",
        learner=cerys,
    )
    without_user(export, "usr-s3")

    with django_capture_on_commit_callbacks(execute=True):
        result = import_folder(export, cast.organisation)

    assert result.learners.left == ["Cerys Vance"]
    cerys.refresh_from_db()
    assert cerys.left_on == cast.organisation.today()
    assert Concern.objects.get(pk=concern.pk).learner_id == cerys.pk
    assert not GroupMember.objects.filter(learner=cerys).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.LEARNER_LEFT, object_id=str(cerys.pk)
    ).exists()
    # A learner added by hand, with no sourcedId, is not the export's to mark as left.
    cast.learner.refresh_from_db()
    assert cast.learner.left_on is None
    # And importing the same export again changes nothing more.
    assert import_folder(export, cast.organisation).changes_nothing


def test_staff_removed_from_the_export_are_marked_left_and_cannot_sign_in(
    cast: Cast, export: Path, django_capture_on_commit_callbacks
) -> None:
    import_folder(export, cast.organisation)
    without_user(export, "usr-t2")
    with django_capture_on_commit_callbacks(execute=True):
        result = import_folder(export, cast.organisation)
    assert result.staff.left == ["Gareth Penhale"]
    gareth = User.objects.get(email="gareth.penhale@harbour.example")
    assert not gareth.is_active
    assert gareth.staff.left_on == cast.organisation.today()


def test_an_address_already_signing_in_elsewhere_is_refused(cast: Cast, export: Path) -> None:
    edit_rows(
        export,
        "users.csv",
        lambda row: {**row, "email": cast.outsider.email} if row["sourcedId"] == "usr-t1" else row,
    )
    [problem] = import_folder(export, cast.organisation).errors
    assert (problem.file, problem.line, problem.column) == ("users.csv", 2, "email")
    assert "already the sign-in address" in problem.message
    assert not Learner.objects.filter(external_id__startswith="usr-").exists()


@pytest.mark.parametrize("name", ["teacher", "deputy", "ict", "outsider"])
def test_only_those_who_import_and_manage_people_may_import(
    cast: Cast, export: Path, name: str
) -> None:
    # The outsider may import, but into their own organisation only: this one is not found.
    with pytest.raises(NotFound if name == "outsider" else PermissionDenied):
        import_folder(export, cast.organisation, actor=cast.user(name))
    assert not Learner.objects.filter(external_id__startswith="usr-").exists()


def test_an_administrator_imports_into_their_own_organisation(cast: Cast, export: Path) -> None:
    result = import_folder(export, cast.organisation, actor=cast.admin)
    assert result.applied
    assert Learner.objects.filter(organisation=cast.organisation, external_id="usr-s1").exists()

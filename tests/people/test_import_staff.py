"""Importing staff: accounts with roles and compliance dates, no password until they choose one."""

from datetime import date

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.people.imports import ImportResult, people_import
from chaperon.people.models import StaffMember, User
from chaperon.people.roles import Role
from tests.conftest import Cast
from tests.people.test_import_helpers import audit_actions, csv_text, everything, last_audit_seq

HEADER = (
    "external_id,full_name,email,roles,job_title,dbs_checked_on,dbs_type,"
    "safeguarding_training_on,aup_signed_on"
)
GOOD = csv_text(
    HEADER,
    "S001,Priya Castell,Priya.Castell@harbour.example,teacher,Teacher of English,"
    "2024-09-02,enhanced_barred,01/09/2025,2025-09-01",
    "S002,Owen Tarrant,owen.tarrant@harbour.example,Senior leader; teacher,Deputy head,"
    "14/01/2023,Enhanced with barred list,2025-09-01,2025-09-01",
    'S003,"Ng, Mei",mei.ng@harbour.example,ict,,,,,',
)


def staff_import(cast: Cast, text: str) -> ImportResult:
    # The DSL: giving the senior leader's role needs a safeguarding lead (ORG-1).
    return people_import(actor=cast.dsl, organisation=cast.organisation, kind="staff", text=text)


def member(external_id: str) -> StaffMember:
    return StaffMember.objects.select_related("user").get(external_id=external_id)


def test_a_good_file_creates_staff_who_choose_their_own_password(cast: Cast) -> None:
    since = last_audit_seq()

    result = staff_import(cast, GOOD)

    assert (result.created, result.updated, result.unchanged, result.errors) == (3, 0, 0, ())
    priya, owen, mei = member("S001"), member("S002"), member("S003")
    assert priya.user.email == "priya.castell@harbour.example"  # addresses kept in lower case
    assert priya.user.organisation_id == cast.organisation.pk
    assert not priya.user.has_usable_password()
    assert priya.role_set == {Role.TEACHER}
    assert owen.role_set == {Role.SENIOR_LEADER, Role.TEACHER}  # a label, and a value
    assert (priya.dbs_checked_on, priya.dbs_type) == (date(2024, 9, 2), "enhanced_barred")
    assert priya.safeguarding_training_on == date(2025, 9, 1)
    assert (owen.dbs_checked_on, owen.dbs_type) == (date(2023, 1, 14), "enhanced_barred")
    assert (mei.user.full_name, mei.job_title, mei.dbs_checked_on) == ("Ng, Mei", "", None)
    assert audit_actions(since) == [AuditAction.STAFF_CREATED] * 3 + [AuditAction.PEOPLE_IMPORTED]
    created = AuditEvent.objects.get(action=AuditAction.STAFF_CREATED, object_id=str(owen.pk))
    assert created.details == {"roles": ["slt", "teacher"], "user": owen.user.pk}
    assert created.actor_id == cast.dsl.pk


def test_importing_the_same_file_twice_changes_nothing(cast: Cast) -> None:
    staff_import(cast, GOOD)
    before = everything()
    since = last_audit_seq()

    result = staff_import(cast, GOOD)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    after = everything()
    after["AuditEvent"].pop()
    assert after == before
    assert audit_actions(since) == [AuditAction.PEOPLE_IMPORTED]


def test_changed_roles_and_dates_update_only_that_member(cast: Cast) -> None:
    staff_import(cast, GOOD)
    others_before = [
        row for row in StaffMember.objects.order_by("pk").values() if row["external_id"] != "S001"
    ]
    since = last_audit_seq()
    changed = GOOD.replace(
        "Priya.Castell@harbour.example,teacher,Teacher of English,2024-09-02",
        "Priya.Castell@harbour.example,teacher;dsl,Teacher of English,2025-03-10",
    )

    result = staff_import(cast, changed)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    priya = member("S001")
    assert priya.role_set == {Role.TEACHER, Role.DSL}
    assert priya.dbs_checked_on == date(2025, 3, 10)
    others_after = [
        row for row in StaffMember.objects.order_by("pk").values() if row["external_id"] != "S001"
    ]
    assert others_after == others_before
    assert audit_actions(since) == [
        AuditAction.STAFF_UPDATED,
        AuditAction.STAFF_ROLES_CHANGED,
        AuditAction.PEOPLE_IMPORTED,
    ]
    updated, roles = AuditEvent.objects.filter(id__gt=since).order_by("id")[:2]
    assert updated.details == {"changed": ["dbs_checked_on"]}
    assert roles.details == {"before": ["teacher"], "after": ["dsl", "teacher"]}


def test_someone_added_by_hand_is_matched_by_email_and_given_the_external_id(cast: Cast) -> None:
    text = csv_text(
        "external_id,full_name,email,roles",
        f"S900,Dana Sefton,{cast.dsl.email.upper()},dsl",
    )

    result = staff_import(cast, text)

    assert (result.created, result.updated) == (0, 1)
    dana = StaffMember.objects.get(user=cast.dsl)
    assert dana.external_id == "S900"
    assert dana.job_title == "DSL"  # the file has no job_title column: kept
    assert User.objects.filter(email__iexact=cast.dsl.email).count() == 1


def test_email_addresses_taken_or_repeated_are_refused_and_nothing_changes(cast: Cast) -> None:
    staff_import(cast, GOOD)
    before = everything()
    since = last_audit_seq()
    text = csv_text(
        "external_id,full_name,email,roles",
        f"S010,Quinn Vale,{cast.outsider.email},teacher",  # an account in another organisation
        "S011,Rory Webb,rory.webb@harbour.example,teacher",
        "S012,Rory Webb,Rory.Webb@harbour.example,teacher",
        "S002,Owen Tarrant,priya.castell@harbour.example,slt;teacher",  # Priya's address
        "S013,Sol Yates,sol.yates@harbour,teacher",
        "S014,Tam Zeal,tam.zeal@harbour.example,headteacher;teacher",
        "S015,Uma Abbot,uma.abbot@harbour.example,",
    )

    result = staff_import(cast, text)

    assert [(error.line, error.column) for error in result.errors] == [
        (2, "email"),
        (4, "email"),
        (5, "email"),
        (6, "email"),
        (7, "roles"),
        (8, "roles"),
    ]
    messages = [error.message for error in result.errors]
    assert "already belongs to another account" in messages[0]
    assert "is also on line 3" in messages[1]
    assert "already belongs to the member of staff with external id “S001”" in messages[2]
    assert "is not an email address" in messages[3]
    assert "“headteacher” is not a role; use dsl, deputy_dsl, slt" in messages[4]
    assert messages[5] == "is empty; it is required"
    after = everything()
    after["AuditEvent"].pop()
    assert after == before
    assert audit_actions(since) == [AuditAction.PEOPLE_IMPORT_REFUSED]

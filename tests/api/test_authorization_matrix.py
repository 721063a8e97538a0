"""Who may do what through the API: every caller against every operation.

The expected status comes from who may, written out below by role (not read from the permission
table the code reads, which would agree with a wrong grant), in the order the code checks: the
permission to see what is asked for, then whether the record is in the caller's organisation
(404 if not), then the permission to change it. A refusal changes nothing and writes no audit
event; an allowed call does exactly its job and writes exactly its audit events, as its caller.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.people.models import (
    Guardian,
    GuardianRelationship,
    Learner,
    Organisation,
    StaffMember,
    User,
)
from tests import factories
from tests.conftest import Cast
from tests.policy import plans as policy_plans

from .conftest import (
    CALLERS,
    COMPLIANCE_KEYS,
    STAFF_ROLES,
    caller,
    events_since,
    last_seq,
    people_state,
)


@dataclass(frozen=True)
class Targets:
    """The records that operations on one record name in their path."""

    staff_id: int
    learner_id: int
    guardian_id: int


def own_records(cast: Cast) -> Targets:
    return Targets(
        staff_id=factories.staff_member(cast.teacher).pk,
        learner_id=cast.learner.pk,
        guardian_id=cast.guardian.pk,
    )


def other_organisations_records(cast: Cast) -> Targets:
    return Targets(
        staff_id=factories.staff_member(cast.outsider).pk,
        learner_id=cast.outsider_learner.pk,
        guardian_id=Guardian.objects.get(organisation=cast.other_organisation).pk,
    )


# Who may, by role.
EVERY_ROLE = frozenset({"dsl", "deputy_dsl", "slt", "teacher", "ict", "board", "admin"})
SEES_COMPLIANCE = frozenset({"dsl", "deputy_dsl", "slt", "admin"})
MANAGES_STAFF = frozenset({"dsl", "admin"})
SEES_LEARNERS = frozenset({"dsl", "deputy_dsl", "slt", "teacher", "admin"})
MANAGES_LEARNERS = frozenset({"dsl", "deputy_dsl", "admin"})
MANAGES_ORGANISATION = frozenset({"dsl", "admin"})


def grants(user: User, roles: frozenset[str]) -> bool:
    return not user.roles.isdisjoint(roles)


def compliance_read(user: User) -> list[str]:
    return [AuditAction.STAFF_COMPLIANCE_VIEWED] if grants(user, SEES_COMPLIANCE) else []


Check = Callable[[Cast, User, Targets, Any], None]


def _nothing_more(cast: Cast, user: User, targets: Targets, body: Any) -> None:
    """Reads are checked by the generic test: same state before and after."""


def check_policy_allows(cast: Cast, user: User, targets: Targets, body: Any) -> None:
    assert body["decision"] == "allow"
    assert body["policy"] == "default@1"


@dataclass(frozen=True)
class Operation:
    name: str
    method: str
    path: Callable[[Targets], str]
    see: frozenset[str] | None  # the roles that may; None: anyone signed in
    change: frozenset[str] | None = None
    record: bool = False  # names a record of one organisation in its path
    body: dict[str, Any] | None = None
    success: int = 200
    audit: Callable[[User], list[str]] = field(default=lambda user: [])
    check: Check = _nothing_more

    def expected_status(self, cast: Cast, user: User | None) -> int:
        if user is None:
            return 401
        if self.see is not None and not grants(user, self.see):
            return 403
        if self.record and user.organisation_id != cast.organisation.pk:
            return 404
        if self.change is not None and not grants(user, self.change):
            return 403
        return self.success


# What each allowed call must have done -----------------------------------------------------------


def _own_ids(model: type[Any], user: User) -> set[int]:
    return set(
        model.objects.filter(organisation_id=user.organisation_id).values_list("pk", flat=True)
    )


def _only_own(cast: Cast, user: User, model: type[Any], body: Any) -> None:
    listed = {item["id"] for item in body["items"]}
    assert listed == _own_ids(model, user)
    assert body["count"] == len(listed)
    if user.organisation_id != cast.organisation.pk:
        assert not listed & _own_ids(model, cast.dsl)


def _compliance_shown_as_granted(user: User, items: list[dict[str, Any]]) -> None:
    for item in items:
        if grants(user, SEES_COMPLIANCE):
            assert item.keys() >= COMPLIANCE_KEYS
        else:
            assert not COMPLIANCE_KEYS & item.keys()


def check_organisation_read(cast: Cast, user: User, targets: Targets, body: Any) -> None:
    assert body["id"] == user.organisation_id
    assert body["name"] == Organisation.objects.get(pk=user.organisation_id).name


NEW_CONTACTS = "Call the DSL on 01632 960000."


def check_organisation_change(cast: Cast, user: User, targets: Targets, body: Any) -> None:
    assert body["safeguarding_contacts"] == NEW_CONTACTS
    assert Organisation.objects.get(pk=user.organisation_id).safeguarding_contacts == NEW_CONTACTS
    if user.organisation_id != cast.organisation.pk:
        assert Organisation.objects.get(pk=cast.organisation.pk).safeguarding_contacts == ""


def check_staff_list(cast: Cast, user: User, targets: Targets, body: Any) -> None:
    _only_own(cast, user, StaffMember, body)
    _compliance_shown_as_granted(user, body["items"])


def check_staff_read(cast: Cast, user: User, targets: Targets, body: Any) -> None:
    assert body["id"] == targets.staff_id
    assert body["full_name"] == "Terry Finch"
    _compliance_shown_as_granted(user, [body])


def check_staff_add(cast: Cast, user: User, targets: Targets, body: Any) -> None:
    added = StaffMember.objects.get(user__email="nico.starling@harbour.example")
    assert body["id"] == added.pk
    assert added.organisation_id == user.organisation_id
    assert added.role_set == {"teacher"}
    assert not added.user.has_usable_password()
    _compliance_shown_as_granted(user, [body])


def check_staff_change(cast: Cast, user: User, targets: Targets, body: Any) -> None:
    assert StaffMember.objects.get(pk=targets.staff_id).job_title == "Head of Year 9"
    assert body["job_title"] == "Head of Year 9"


def check_staff_roles_set(cast: Cast, user: User, targets: Targets, body: Any) -> None:
    assert StaffMember.objects.get(pk=targets.staff_id).role_set == {"teacher", "ict"}
    assert body["roles"] == ["ict", "teacher"]


def check_learner_list(cast: Cast, user: User, targets: Targets, body: Any) -> None:
    _only_own(cast, user, Learner, body)


def check_learner_read(cast: Cast, user: User, targets: Targets, body: Any) -> None:
    assert body["id"] == targets.learner_id
    assert [guardian["full_name"] for guardian in body["guardians"]] == ["Morgan Alder"]


def check_learner_add(cast: Cast, user: User, targets: Targets, body: Any) -> None:
    added = Learner.objects.get(first_name="Alex", last_name="Tern")
    assert added.organisation_id == user.organisation_id
    assert body["id"] == added.pk
    assert body["date_of_birth"] == "2013-02-01"


def check_learner_change(cast: Cast, user: User, targets: Targets, body: Any) -> None:
    assert Learner.objects.get(pk=targets.learner_id).year_group == "Year 8"
    assert body["year_group"] == "Year 8"


def check_guardian_list(cast: Cast, user: User, targets: Targets, body: Any) -> None:
    _only_own(cast, user, Guardian, body)


def check_guardian_read(cast: Cast, user: User, targets: Targets, body: Any) -> None:
    assert body["id"] == targets.guardian_id
    assert [learner["learner_id"] for learner in body["learners"]] == [targets.learner_id]


def check_guardian_add(cast: Cast, user: User, targets: Targets, body: Any) -> None:
    added = Guardian.objects.get(full_name="Jordan Tern")
    assert added.organisation_id == user.organisation_id
    assert body["id"] == added.pk
    assert body["learners"] == []


def check_guardian_change(cast: Cast, user: User, targets: Targets, body: Any) -> None:
    assert Guardian.objects.get(pk=targets.guardian_id).phone == "01632 960123"
    assert body["phone"] == "01632 960123"


def check_guardian_link_set(cast: Cast, user: User, targets: Targets, body: Any) -> None:
    link = GuardianRelationship.objects.get(
        learner_id=targets.learner_id, guardian_id=targets.guardian_id
    )
    assert (link.relationship, link.parental_responsibility) == ("parent", True)
    assert body == {
        "learner_id": targets.learner_id,
        "guardian_id": targets.guardian_id,
        "relationship": "parent",
        "parental_responsibility": True,
    }


def check_guardian_link_remove(cast: Cast, user: User, targets: Targets, body: Any) -> None:
    assert body is None
    assert not GuardianRelationship.objects.filter(
        learner_id=targets.learner_id, guardian_id=targets.guardian_id
    ).exists()
    assert Guardian.objects.filter(pk=targets.guardian_id).exists()


OPERATIONS = [
    Operation(
        "organisation_read",
        "get",
        lambda t: "/api/organisation",
        see=EVERY_ROLE,
        check=check_organisation_read,
    ),
    Operation(
        "organisation_change",
        "patch",
        lambda t: "/api/organisation",
        see=EVERY_ROLE,
        change=MANAGES_ORGANISATION,
        body={"safeguarding_contacts": NEW_CONTACTS},
        audit=lambda user: [AuditAction.ORGANISATION_UPDATED],
        check=check_organisation_change,
    ),
    Operation(
        "staff_list",
        "get",
        lambda t: "/api/staff",
        see=EVERY_ROLE,
        audit=compliance_read,
        check=check_staff_list,
    ),
    Operation(
        "staff_read",
        "get",
        lambda t: f"/api/staff/{t.staff_id}",
        see=EVERY_ROLE,
        record=True,
        audit=compliance_read,
        check=check_staff_read,
    ),
    Operation(
        "staff_add",
        "post",
        lambda t: "/api/staff",
        see=None,
        change=MANAGES_STAFF,
        body={
            "email": "nico.starling@harbour.example",
            "full_name": "Nico Starling",
            "roles": ["teacher"],
            "job_title": "Tutor",
        },
        success=201,
        audit=lambda user: [AuditAction.STAFF_CREATED, *compliance_read(user)],
        check=check_staff_add,
    ),
    Operation(
        "staff_change",
        "patch",
        lambda t: f"/api/staff/{t.staff_id}",
        see=EVERY_ROLE,
        change=MANAGES_STAFF,
        record=True,
        body={"job_title": "Head of Year 9"},
        audit=lambda user: [AuditAction.STAFF_UPDATED, *compliance_read(user)],
        check=check_staff_change,
    ),
    Operation(
        "staff_roles_set",
        "put",
        lambda t: f"/api/staff/{t.staff_id}/roles",
        see=EVERY_ROLE,
        change=MANAGES_STAFF,
        record=True,
        body={"roles": ["teacher", "ict"]},
        audit=lambda user: [AuditAction.STAFF_ROLES_CHANGED, *compliance_read(user)],
        check=check_staff_roles_set,
    ),
    Operation(
        "learner_list",
        "get",
        lambda t: "/api/learners",
        see=SEES_LEARNERS,
        audit=lambda user: [AuditAction.LEARNER_LIST_READ],
        check=check_learner_list,
    ),
    Operation(
        "learner_read",
        "get",
        lambda t: f"/api/learners/{t.learner_id}",
        see=SEES_LEARNERS,
        record=True,
        audit=lambda user: [AuditAction.LEARNER_VIEWED],
        check=check_learner_read,
    ),
    Operation(
        "learner_add",
        "post",
        lambda t: "/api/learners",
        see=None,
        change=MANAGES_LEARNERS,
        body={
            "first_name": "Alex",
            "last_name": "Tern",
            "date_of_birth": "2013-02-01",
            "year_group": "Year 7",
        },
        success=201,
        audit=lambda user: [AuditAction.LEARNER_CREATED],
        check=check_learner_add,
    ),
    Operation(
        "learner_change",
        "patch",
        lambda t: f"/api/learners/{t.learner_id}",
        see=SEES_LEARNERS,
        change=MANAGES_LEARNERS,
        record=True,
        body={"year_group": "Year 8"},
        audit=lambda user: [AuditAction.LEARNER_UPDATED],
        check=check_learner_change,
    ),
    Operation(
        "guardian_list",
        "get",
        lambda t: "/api/guardians",
        see=SEES_LEARNERS,
        audit=lambda user: [AuditAction.GUARDIAN_LIST_READ],
        check=check_guardian_list,
    ),
    Operation(
        "guardian_read",
        "get",
        lambda t: f"/api/guardians/{t.guardian_id}",
        see=SEES_LEARNERS,
        record=True,
        audit=lambda user: [AuditAction.GUARDIAN_VIEWED],
        check=check_guardian_read,
    ),
    Operation(
        "guardian_add",
        "post",
        lambda t: "/api/guardians",
        see=None,
        change=MANAGES_LEARNERS,
        body={"full_name": "Jordan Tern", "email": "jordan.tern@home.example"},
        success=201,
        audit=lambda user: [AuditAction.GUARDIAN_CREATED, AuditAction.GUARDIAN_VIEWED],
        check=check_guardian_add,
    ),
    Operation(
        "guardian_change",
        "patch",
        lambda t: f"/api/guardians/{t.guardian_id}",
        see=SEES_LEARNERS,
        change=MANAGES_LEARNERS,
        record=True,
        body={"phone": "01632 960123"},
        audit=lambda user: [AuditAction.GUARDIAN_UPDATED, AuditAction.GUARDIAN_VIEWED],
        check=check_guardian_change,
    ),
    Operation(
        "guardian_link_set",
        "put",
        lambda t: f"/api/learners/{t.learner_id}/guardians/{t.guardian_id}",
        see=SEES_LEARNERS,
        change=MANAGES_LEARNERS,
        record=True,
        body={"relationship": "parent", "parental_responsibility": True},
        audit=lambda user: [AuditAction.GUARDIAN_LINK_UPDATED],
        check=check_guardian_link_set,
    ),
    Operation(
        "guardian_link_remove",
        "delete",
        lambda t: f"/api/learners/{t.learner_id}/guardians/{t.guardian_id}",
        see=SEES_LEARNERS,
        change=MANAGES_LEARNERS,
        record=True,
        success=204,
        audit=lambda user: [AuditAction.GUARDIAN_UNLINKED],
        check=check_guardian_link_remove,
    ),
    Operation(
        "policy_check",
        "post",
        lambda t: "/api/policy/check",
        see=EVERY_ROLE,  # any member of staff: it reads no records
        body={"plan": policy_plans.one_to_one()},
        check=check_policy_allows,
    ),
]
RECORD_OPERATIONS = [operation for operation in OPERATIONS if operation.record]


def _assert_refused_without_trace(response: Any, before: dict[str, Any], seq: int) -> None:
    assert set(response.json()) == {"detail"}
    assert people_state() == before
    assert events_since(seq) == []


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.name)
@pytest.mark.parametrize("who", CALLERS)
def test_each_caller_gets_exactly_what_their_roles_grant(
    cast: Cast, who: str, operation: Operation
) -> None:
    api, user = caller(cast, who)
    targets = own_records(cast)
    expected = operation.expected_status(cast, user)
    before, seq = people_state(), last_seq()

    response = api.call(operation.method, operation.path(targets), operation.body)

    assert response.status_code == expected, response.content
    if expected >= 400:
        _assert_refused_without_trace(response, before, seq)
        return
    assert user is not None
    events = events_since(seq)
    assert [event.action for event in events] == operation.audit(user)
    assert {(event.actor_id, event.organisation_id) for event in events} <= {
        (user.pk, user.organisation_id)
    }
    if operation.method == "get":
        assert people_state() == before
    operation.check(cast, user, targets, response.json() if response.content else None)


@pytest.mark.parametrize("operation", RECORD_OPERATIONS, ids=lambda operation: operation.name)
@pytest.mark.parametrize("who", STAFF_ROLES)
def test_another_organisations_records_are_not_found(
    cast: Cast, who: str, operation: Operation
) -> None:
    """The cast's staff asking for the other organisation's records by id: "not found" for
    anyone who may see such records at all; the rest are refused as they are for any id."""
    api, user = caller(cast, who)
    assert user is not None
    may_see = operation.see is None or grants(user, operation.see)
    before, seq = people_state(), last_seq()

    response = api.call(
        operation.method, operation.path(other_organisations_records(cast)), operation.body
    )

    assert response.status_code == (404 if may_see else 403), response.content
    _assert_refused_without_trace(response, before, seq)


def test_the_matrix_covers_refusals_and_successes_of_every_kind(cast: Cast) -> None:
    """Guards the table above against becoming vacuous if roles or grants change."""
    statuses: dict[str, set[int]] = {}
    for operation in OPERATIONS:
        for who in CALLERS:
            user = None if who in {"anonymous", "bad_token", "revoked_token"} else cast.user(who)
            statuses.setdefault(operation.name, set()).add(operation.expected_status(cast, user))
    for name, seen in statuses.items():
        assert 401 in seen, name
        assert seen & {200, 201, 204}, name
    writes = [operation.name for operation in OPERATIONS if operation.change is not None]
    assert all(403 in statuses[name] for name in writes)
    assert all(404 in statuses[operation.name] for operation in RECORD_OPERATIONS)

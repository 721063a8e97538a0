"""The people services enforce permission and organisation themselves, whoever calls them."""

from collections import defaultdict
from datetime import date

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core import events
from chaperon.core.actors import SYSTEM
from chaperon.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from chaperon.people import services
from chaperon.people.compliance import Status, staff_facts
from chaperon.people.events import OrganisationSettingsChanged, StaffChanged
from chaperon.people.models import GuardianRelationship, Learner, StaffMember, User
from chaperon.people.roles import Role
from tests import factories
from tests.conftest import Cast


def test_a_dsl_cannot_change_another_organisations_learner(cast: Cast) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(NotFound):
        services.learner_update(actor=cast.dsl, learner=cast.outsider_learner, first_name="X")
    assert Learner.objects.get(pk=cast.outsider_learner.pk).first_name == "Jamie"
    assert AuditEvent.objects.count() == events


def test_a_teacher_cannot_change_a_learner(cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        services.learner_update(actor=cast.teacher, learner=cast.learner, year_group="Year 11")
    assert Learner.objects.get(pk=cast.learner.pk).year_group == ""


def test_guardian_cannot_be_linked_across_organisations(cast: Cast) -> None:
    with pytest.raises(NotFound):
        services.guardian_link(
            actor=cast.dsl,
            guardian=cast.guardian,
            learner=cast.outsider_learner,
            relationship="mother",
            parental_responsibility=True,
        )
    with pytest.raises(ValidationFailed) as error:
        services.guardian_link(
            actor=SYSTEM,
            guardian=cast.guardian,
            learner=cast.outsider_learner,
            relationship="mother",
            parental_responsibility=True,
        )
    assert "learner" in error.value.errors
    assert not GuardianRelationship.objects.filter(
        learner=cast.outsider_learner, guardian=cast.guardian
    ).exists()


def test_learner_update_names_the_bad_field_and_changes_nothing(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.learner_update(actor=cast.dsl, learner=cast.learner, first_name="")
    assert "first_name" in error.value.errors
    assert Learner.objects.get(pk=cast.learner.pk).first_name == "Robin"


def test_learner_update_records_which_fields_changed(cast: Cast) -> None:
    services.learner_update(
        actor=cast.dsl, learner=cast.learner, year_group="Year 8", date_of_birth=date(2012, 5, 17)
    )
    event = AuditEvent.objects.filter(action=AuditAction.LEARNER_UPDATED).last()
    assert event is not None
    assert event.details == {"changed": ["year_group"]}
    assert event.actor_id == cast.dsl.pk
    assert event.organisation_id == cast.organisation.pk


def test_unchanged_update_writes_no_audit_event(cast: Cast) -> None:
    events = AuditEvent.objects.count()
    services.learner_update(actor=cast.dsl, learner=cast.learner, first_name="Robin")
    assert AuditEvent.objects.count() == events


def test_staff_email_is_unique_whatever_its_case(cast: Cast) -> None:
    users = User.objects.count()
    with pytest.raises(ValidationFailed) as error:
        services.staff_create(
            actor=cast.admin,
            organisation=cast.organisation,
            email=cast.teacher.email.upper(),
            full_name="Someone Else",
            roles=[Role.TEACHER],
        )
    assert "already belongs" in error.value.errors["email"]
    assert User.objects.count() == users


def test_unknown_role_is_refused_with_the_valid_ones(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.staff_create(
            actor=cast.admin,
            organisation=cast.organisation,
            email="x@harbour.example",
            full_name="X",
            roles=["headmaster"],
        )
    assert "headmaster" in error.value.errors["roles"] and "dsl" in error.value.errors["roles"]
    assert not User.objects.filter(email="x@harbour.example").exists()


def test_roles_change_is_audited_with_before_and_after(cast: Cast) -> None:
    member = factories.staff_member(cast.teacher)
    services.staff_set_roles(actor=cast.dsl, staff=member, roles=[Role.TEACHER, Role.DEPUTY_DSL])
    assert StaffMember.objects.get(pk=member.pk).role_set == {"teacher", "deputy_dsl"}
    event = AuditEvent.objects.filter(action=AuditAction.STAFF_ROLES_CHANGED).last()
    assert event is not None
    assert event.details == {"before": ["teacher"], "after": ["deputy_dsl", "teacher"]}


def test_a_teacher_cannot_give_themselves_a_role(cast: Cast) -> None:
    member = factories.staff_member(cast.teacher)
    with pytest.raises(PermissionDenied):
        services.staff_set_roles(actor=cast.teacher, staff=member, roles=[Role.DSL])
    assert StaffMember.objects.get(pk=member.pk).role_set == {"teacher"}


def test_organisation_time_zone_and_hours_are_validated(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.organisation_update(
            actor=cast.dsl, organisation=cast.organisation, time_zone="Mars/Olympus"
        )
    assert "time zone" in error.value.errors["time_zone"]
    with pytest.raises(ValidationFailed) as error:
        services.organisation_update(
            actor=cast.dsl, organisation=cast.organisation, working_days="1289"
        )
    assert "working_days" in error.value.errors
    cast.organisation.refresh_from_db()
    assert (cast.organisation.time_zone, cast.organisation.working_days) == (
        "Europe/London",
        "12345",
    )


def test_age_is_counted_on_the_day(cast: Cast) -> None:
    learner = factories.learner(cast.organisation, date_of_birth=date(2008, 11, 21))
    assert learner.age_on(date(2026, 11, 20)) == 17
    assert learner.age_on(date(2026, 11, 21)) == 18


def test_a_reused_mis_id_is_named_as_such_and_nothing_is_added(cast: Cast) -> None:
    services.learner_update(actor=cast.dsl, learner=cast.learner, external_id="L0042")
    learners = Learner.objects.count()
    with pytest.raises(ValidationFailed) as error:
        factories.learner(cast.organisation, external_id="L0042")
    assert "already the id of another learner" in error.value.errors["external_id"]
    assert Learner.objects.count() == learners
    # Another organisation may use the same id for its own learner.
    factories.learner(cast.other_organisation, external_id="L0042")


def test_checks_expire_by_the_organisations_own_validity(cast: Cast) -> None:
    today = date(2026, 11, 21)
    member = factories.staff_member(cast.teacher)
    member.dbs_checked_on = date(2024, 11, 1)
    organisation = cast.organisation
    [dbs, *_] = staff_facts(member, organisation=organisation, today=today)
    assert dbs.status == Status.CURRENT  # valid for 3 years by default
    services.organisation_update(actor=cast.dsl, organisation=organisation, dbs_valid_years=2)
    organisation.refresh_from_db()
    [dbs, *_] = staff_facts(member, organisation=organisation, today=today)
    assert dbs.status == Status.EXPIRED
    assert dbs.valid_until == date(2026, 11, 1)
    with pytest.raises(ValidationFailed) as error:
        services.organisation_update(actor=cast.dsl, organisation=organisation, dbs_valid_years=0)
    assert "dbs_valid_years" in error.value.errors


def test_changes_to_staff_and_settings_are_announced_after_commit(
    cast: Cast, django_capture_on_commit_callbacks, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(events, "_subscribers", defaultdict(list))
    heard: list[object] = []
    events.subscribe(StaffChanged, heard.append)
    events.subscribe(OrganisationSettingsChanged, heard.append)
    member = factories.staff_member(cast.teacher)
    with django_capture_on_commit_callbacks(execute=True):
        services.staff_update(actor=cast.dsl, staff=member, dbs_checked_on=date(2026, 1, 5))
        services.organisation_update(
            actor=cast.dsl, organisation=cast.organisation, working_days="123"
        )
        assert heard == []
    assert heard == [
        StaffChanged(organisation_id=cast.organisation.pk, user_id=cast.teacher.pk),
        OrganisationSettingsChanged(organisation_id=cast.organisation.pk),
    ]

"""When a fact a session relies on changes, upcoming sessions are judged again."""

from datetime import date

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.consent.services.answers import consent_withdraw
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.models import EmailDelivery
from chaperon.people import services as people_services
from chaperon.policy.models import OrganisationPolicy
from chaperon.policy.selectors import (
    organisation_policy,
    organisation_policy_document,
    policy_as_yaml,
)
from chaperon.policy.services import organisation_policy_save
from chaperon.sessions import services
from chaperon.sessions.models import Session
from tests import factories
from tests.conftest import Cast
from tests.sessions.helpers import consent_for, one_to_one


def _booked(cast: Cast) -> Session:
    consent_for(cast.learner, cast.dsl)
    result = services.session_book(actor=cast.teacher, proposal=one_to_one(cast), title="Careers")
    assert result.booked and result.session is not None
    return result.session


def _flag_notices() -> set[str]:
    return {delivery.to for delivery in EmailDelivery.objects.filter(purpose="session_flagged")}


@pytest.mark.clause("REC-7")
def test_withdrawn_consent_flags_the_session_and_tells_organiser_and_dsl(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    session = _booked(cast)
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(
            actor=cast.dsl,
            learner=cast.learner,
            purposes=["live_one_to_one"],
            withdrawn_by_name="Morgan Alder",
            channel="phone",
            reason="Family moving away",
        )
    session.refresh_from_db()
    assert session.flagged
    assert "consent.participation" in {finding["rule"] for finding in session.findings}
    assert _flag_notices() == {cast.teacher.email, cast.dsl.email}
    flagged = AuditEvent.objects.get(action=AuditAction.SESSION_FLAGGED)
    assert flagged.reason == "a consent answer for a learner in it was recorded"
    [notice] = EmailDelivery.objects.filter(purpose="session_flagged", to=cast.dsl.email)
    assert "withdrawn" in notice.text


@pytest.mark.clause("REC-7")
def test_without_a_dsl_the_deputies_are_told_of_a_session_no_longer_allowed(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    session = _booked(cast)
    cast.dsl.is_active = False  # the DSL has left and nobody holds the role yet
    cast.dsl.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(
            actor=cast.deputy,
            learner=cast.learner,
            purposes=["live_one_to_one"],
            withdrawn_by_name="Morgan Alder",
            channel="phone",
            reason="Family moving away",
        )
    session.refresh_from_db()
    assert session.flagged
    assert _flag_notices() == {cast.teacher.email, cast.deputy.email}


@pytest.mark.clause("SES-10")
def test_a_lapsed_check_flags_the_session_and_putting_it_right_clears_it(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    session = _booked(cast)
    member = factories.staff_member(cast.teacher)
    with django_capture_on_commit_callbacks(execute=True):
        people_services.staff_update(
            actor=cast.dsl, staff=member, safeguarding_training_on=date(2020, 9, 1)
        )
    session.refresh_from_db()
    assert session.flagged
    assert {finding["rule"] for finding in session.findings} >= {"staff.training"}
    with django_capture_on_commit_callbacks(execute=True):
        people_services.staff_update(
            actor=cast.dsl, staff=member, safeguarding_training_on=date.today()
        )
    session.refresh_from_db()
    assert not session.flagged
    assert AuditEvent.objects.filter(action=AuditAction.SESSION_CLEARED).count() == 1


@pytest.mark.clause("SES-3")
def test_a_stricter_policy_flags_sessions_it_no_longer_allows(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    session = _booked(cast)
    document = (
        "time_zone: Europe/London\nworking_days: [mon, tue, wed, thu, fri]\n"
        "working_hours_start: 08:30\nworking_hours_end: 17:00\nmax_duration_minutes: 30\n"
        "max_sessions_per_week: 1\ndbs_valid_years: 3\ntraining_valid_years: 1\n"
        "aup_valid_years: 1\napproved_platforms: [builtin]\nexception_approvers: [slt, dsl]\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        policy = organisation_policy_save(
            actor=cast.dsl, organisation=cast.organisation, text=document
        )
    assert policy.max_duration_minutes == 30 and policy.version == 2
    session.refresh_from_db()
    assert session.flagged
    assert [finding["rule"] for finding in session.findings] == ["duration.max"]


def test_a_booked_session_with_nothing_changed_stays_unflagged(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    session = _booked(cast)
    with django_capture_on_commit_callbacks(execute=True):
        services.recheck_sessions([session], why="routine check")
    session.refresh_from_db()
    assert not session.flagged
    assert not EmailDelivery.objects.filter(purpose="session_flagged").exists()


def test_saving_a_policy_stores_a_version_and_sets_the_organisations_hours(cast: Cast) -> None:

    document = organisation_policy_document(cast.organisation)
    assert (document["name"], document["version"]) == (cast.organisation.slug, 1)
    text = (
        "time_zone: Europe/London\nworking_days: [mon, tue, wed, thu]\n"
        "working_hours_start: 09:00\nworking_hours_end: 16:00\nmax_duration_minutes: 45\n"
        "max_sessions_per_week: 2\ndbs_valid_years: 3\ntraining_valid_years: 1\n"
        "aup_valid_years: 1\napproved_platforms: [builtin]\nexception_approvers: [slt, dsl]\n"
    )
    organisation_policy_save(actor=cast.dsl, organisation=cast.organisation, text=text)
    cast.organisation.refresh_from_db()
    assert cast.organisation.working_days == "1234"
    assert cast.organisation.working_hours_end.hour == 16
    saved = OrganisationPolicy.objects.get(organisation=cast.organisation)
    assert saved.version == 2 and "working_hours_start: 09:00" in saved.text.replace("'", "")
    policy = organisation_policy(cast.organisation)
    assert (policy.label, policy.max_sessions_per_week) == (f"{cast.organisation.slug}@2", 2)
    assert AuditEvent.objects.filter(action=AuditAction.POLICY_SAVED, actor_id=cast.dsl.pk).exists()


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("max_duration_minutes: lots\n", "max_duration_minutes"),
        ("time_zone: Mars/Olympus\n", "time_zone"),
        ("max_duration_minutes: [\n", "policy"),
    ],
)
def test_an_invalid_policy_is_refused_naming_the_field(cast: Cast, text: str, field: str) -> None:

    document = policy_as_yaml(organisation_policy_document(cast.organisation))
    key = text.split(":")[0]
    edited = "\n".join(line for line in document.splitlines() if not line.startswith(key)) + "\n"
    with pytest.raises(ValidationFailed) as error:
        organisation_policy_save(actor=cast.dsl, organisation=cast.organisation, text=edited + text)
    assert field in error.value.errors
    assert not OrganisationPolicy.objects.exists()
    cast.organisation.refresh_from_db()
    assert cast.organisation.time_zone == "Europe/London"

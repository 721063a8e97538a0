"""Allegations about staff start as what they are (INC-10, SES-10): the DSL re-classifies a
learner's report about a teacher as an allegation, restricted from then on, with the LADO
referral due within one working day; and suspends the teacher from hosting and joining
sessions while it is open. The policy and the room refuse them, without saying why."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.concerns import services
from chaperon.concerns.checklist import Answers, Illegal, RiskToUser
from chaperon.concerns.models import Concern, ConcernStep, EntryKind, StaffSuspension
from chaperon.concerns.permissions import may_open
from chaperon.core.cases import suspended_staff
from chaperon.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from chaperon.core.models import EmailDelivery
from chaperon.rooms.permissions import entrant_for, may_go_to_room
from chaperon.sessions import services as sessions
from chaperon.sessions.fixes import fix_for
from chaperon.sessions.models import Session
from tests.conftest import Cast, signed_in
from tests.sessions.helpers import consent_for, one_to_one

from .helpers import always_in_hours, public_concern

pytestmark = [pytest.mark.django_db, pytest.mark.clause("INC-10")]


def _learners_report(cast: Cast) -> Concern:
    return public_concern(
        cast.organisation,
        reporter_name="Robin Alder",
        reporter_relation="learner",
        about_name="Robin",
        description="My teacher Mr Finch keeps messaging me on my own phone at night.",
    )


def _reclassify(cast: Cast, concern: Concern) -> Concern:
    return services.concern_reclassify_as_allegation(
        actor=cast.dsl,
        concern=concern,
        subject_staff=cast.teacher,
        reason="The report is about a member of staff's conduct towards a pupil.",
    )


def _end_of_next_working_day(cast: Cast, day: date) -> datetime:
    organisation = cast.organisation
    following = day + timedelta(days=1)
    while str(following.isoweekday()) not in organisation.working_days:
        following += timedelta(days=1)
    return datetime.combine(following, organisation.working_hours_end, tzinfo=organisation.zone)


def test_the_dsl_reclassifies_a_report_as_an_allegation_about_staff(cast: Cast) -> None:
    concern = _learners_report(cast)
    assert may_open(cast.deputy, concern)
    _reclassify(cast, concern)
    concern.refresh_from_db()
    assert concern.kind == "allegation" and concern.subject_staff_id == cast.teacher.pk
    # What the reporter wrote stays as written.
    assert concern.subject_staff_name == "" and concern.about_name == "Robin"
    entry = concern.entries.get(kind=EntryKind.RECLASSIFIED)
    assert entry.reason.startswith("The report is about a member of staff")
    assert entry.data["kind"] == {"from": "concern", "to": "allegation"}
    assert entry.data["subject_staff_id"] == {"from": None, "to": cast.teacher.pk}
    [audited] = AuditEvent.objects.filter(action=AuditAction.CONCERN_RECLASSIFIED)
    assert audited.actor_id == cast.dsl.pk and audited.reason == entry.reason
    # Restricted from now on: the DSL only, never the deputies, never the teacher.
    assert may_open(cast.dsl, concern)
    assert not may_open(cast.deputy, concern) and not may_open(cast.teacher, concern)
    # The LADO referral is due by the end of the next working day, owned by the DSL.
    lado = concern.steps.get(key="refer_lado")
    assert lado.owner_id == cast.dsl.pk and lado.agencies == ["lado"] and lado.clause == "INC-10"
    today = timezone.localdate(timezone=cast.organisation.zone)
    assert lado.due_at == _end_of_next_working_day(cast, today)
    # The record says what it was, in names.
    page = signed_in(cast.dsl).get(f"/concerns/{concern.pk}/").content.decode()
    assert "Member of staff it is about: none → Terry Finch" in page
    assert "Kind: Concern about a child or adult at risk → Allegation about a member of staff" in (
        page
    )


@pytest.mark.parametrize(
    ("who", "refusal"),
    [("deputy", PermissionDenied), ("teacher2", NotFound), ("outsider", NotFound)],
)
def test_only_the_dsl_reclassifies(cast: Cast, who: str, refusal: type[Exception]) -> None:
    concern = _learners_report(cast)
    events = AuditEvent.objects.count()
    with pytest.raises(refusal):
        services.concern_reclassify_as_allegation(
            actor=cast.user(who), concern=concern, subject_staff=cast.teacher, reason="Because"
        )
    concern.refresh_from_db()
    assert concern.kind == "concern" and concern.subject_staff_id is None
    assert not concern.steps.exists()
    assert AuditEvent.objects.count() == events


def test_reclassifying_needs_a_reason_and_someone_else(cast: Cast) -> None:
    concern = _learners_report(cast)
    with pytest.raises(ValidationFailed) as missing:
        services.concern_reclassify_as_allegation(
            actor=cast.dsl, concern=concern, subject_staff=cast.teacher, reason=" "
        )
    assert "reason" in missing.value.errors
    with pytest.raises(ValidationFailed) as oneself:
        services.concern_reclassify_as_allegation(
            actor=cast.dsl, concern=concern, subject_staff=cast.dsl, reason="About me"
        )
    assert "senior leader" in oneself.value.errors["subject_staff"]
    with pytest.raises(ValidationFailed):
        services.concern_reclassify_as_allegation(
            actor=cast.dsl, concern=concern, subject_staff=cast.outsider, reason="Elsewhere"
        )
    concern.refresh_from_db()
    assert concern.kind == "concern"
    assert not AuditEvent.objects.filter(action=AuditAction.CONCERN_RECLASSIFIED).exists()


def test_the_case_page_reclassifies_and_refuses_a_deputy(cast: Cast) -> None:
    concern = _learners_report(cast)
    form = {"subject_staff": cast.teacher.pk, "reason": "It is about Mr Finch"}
    refused = signed_in(cast.deputy).post(f"/concerns/{concern.pk}/reclassify/", form)
    assert refused.status_code == 403
    concern.refresh_from_db()
    assert concern.kind == "concern"
    page = signed_in(cast.dsl).get(f"/concerns/{concern.pk}/").content.decode()
    assert "Make it an allegation about them" in page
    done = signed_in(cast.dsl).post(f"/concerns/{concern.pk}/reclassify/", form)
    assert done.status_code == 302
    concern.refresh_from_db()
    assert concern.kind == "allegation"
    assert signed_in(cast.deputy).get(f"/concerns/{concern.pk}/").status_code == 404


def test_triage_of_an_allegation_asks_for_the_lado(cast: Cast) -> None:
    concern = services.concern_raise(
        actor=cast.teacher2,
        organisation=cast.organisation,
        kind="allegation",
        subject_staff=cast.teacher,
        description="Terry shared a video of a pupil in the staff chat.",
    )
    assert ConcernStep.objects.filter(concern=concern, key="refer_lado").exists()
    opened = services.concern_triage(
        actor=cast.dsl,
        concern=concern,
        answers=Answers(
            illegal=Illegal.NOT_SURE, immediate_risk=False, risk_to_user=RiskToUser.HARM
        ),
        risk_note="A pupil's image shared by an adult.",
    )
    keys = set(concern.steps.values_list("key", flat=True))
    assert "refer_lado" in keys
    assert "refer_lado" not in {step.key for step in opened}  # opened when it was raised
    services.concern_referral_record(
        actor=cast.dsl, concern=concern, agency="lado", made_on=date.today(), reference="LADO-42"
    )
    assert concern.steps.get(key="refer_lado").done_at is not None


def test_triage_of_an_ordinary_concern_has_no_lado_step(cast: Cast) -> None:
    concern = public_concern(cast.organisation)
    services.concern_triage(
        actor=cast.dsl,
        concern=concern,
        answers=Answers(illegal=Illegal.NO, immediate_risk=False, risk_to_user=RiskToUser.LOW),
        risk_note="Low.",
    )
    assert not concern.steps.filter(key="refer_lado").exists()


# Suspension ----------------------------------------------------------------------------------


def _suspend(cast: Cast, concern: Concern) -> StaffSuspension:
    return services.staff_suspend(
        actor=cast.dsl, concern=concern, reason="While the LADO looks into it"
    )


def _book(cast: Cast) -> sessions.BookingResult:
    return sessions.session_book(actor=cast.teacher, proposal=one_to_one(cast), title="Careers")


@pytest.mark.clause("SES-10")
def test_a_suspended_teacher_cannot_book_a_session_and_is_not_told_why(cast: Cast) -> None:
    consent_for(cast.learner, cast.dsl)
    concern = _reclassify(cast, _learners_report(cast))
    suspension = _suspend(cast, concern)
    assert suspended_staff([cast.teacher.pk, cast.teacher2.pk]) == {cast.teacher.pk}
    [audited] = AuditEvent.objects.filter(action=AuditAction.STAFF_SUSPENDED)
    assert audited.details == {"concern": concern.pk, "user": cast.teacher.pk}
    assert concern.entries.filter(kind=EntryKind.SUSPENDED).count() == 1

    result = _book(cast)
    assert result.session is None and result.verdict.decision == "block"
    [finding] = [f for f in result.verdict.findings if f.rule == "staff.suspended"]
    assert finding.subject == f"st{cast.teacher.pk}" and finding.outcome == "block"
    words = f"{finding.message} {fix_for(finding.rule)}".lower()
    for secret in ("allegation", "concern", "suspend", "lado", concern.reference.lower()):
        assert secret not in words
    assert not Session.objects.exists()

    # Lifted: they may book again; the lifting is audited.
    services.staff_suspension_lift(
        actor=cast.dsl,
        concern_id=concern.pk,
        suspension_id=suspension.pk,
        reason="The LADO found nothing to answer",
    )
    assert suspended_staff([cast.teacher.pk]) == frozenset()
    assert AuditEvent.objects.filter(action=AuditAction.STAFF_SUSPENSION_LIFTED).count() == 1
    assert _book(cast).booked


@pytest.mark.clause("SES-10")
def test_suspending_flags_the_teachers_upcoming_sessions(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    consent_for(cast.learner, cast.dsl)
    session = _book(cast).session
    assert session is not None and not session.flagged
    concern = _reclassify(cast, _learners_report(cast))
    with django_capture_on_commit_callbacks(execute=True):
        _suspend(cast, concern)
    session.refresh_from_db()
    assert session.flagged
    assert "staff.suspended" in {f["rule"] for f in session.last_verdict["findings"]}
    told = EmailDelivery.objects.filter(purpose="session_flagged", to=cast.teacher.email)
    for delivery in told:
        assert "allegation" not in delivery.text.lower() and concern.reference not in delivery.text


@pytest.mark.clause("SES-10")
def test_the_room_turns_a_suspended_teacher_away(cast: Cast, settings) -> None:
    settings.ROOM_OPENS_MINUTES_BEFORE = 3 * 7 * 24 * 60
    consent_for(cast.learner, cast.dsl)
    session = _book(cast).session
    assert session is not None
    client = signed_in(cast.teacher)
    django_session = client.session
    assert may_go_to_room(cast.teacher, session)
    assert entrant_for(user=cast.teacher, django_session=django_session, session_id=session.pk)
    _suspend(cast, _reclassify(cast, _learners_report(cast)))
    assert not may_go_to_room(cast.teacher, session)
    assert (
        entrant_for(user=cast.teacher, django_session=django_session, session_id=session.pk) is None
    )
    page = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "Go to the live room" not in page
    assert client.get(f"/rooms/{session.pk}/").status_code in (403, 404)


@pytest.mark.parametrize("who", ["deputy", "slt", "teacher"])
def test_only_the_dsl_suspends(cast: Cast, who: str) -> None:
    concern = _reclassify(cast, _learners_report(cast))
    events = AuditEvent.objects.count()
    with pytest.raises((PermissionDenied, NotFound)):
        services.staff_suspend(actor=cast.user(who), concern=concern, reason="No")
    assert not StaffSuspension.objects.exists()
    assert AuditEvent.objects.count() == events
    response = signed_in(cast.user(who)).post(
        f"/concerns/{concern.pk}/suspensions/", {"reason": "No"}
    )
    assert response.status_code in (403, 404)
    assert not StaffSuspension.objects.exists()


def test_a_suspension_needs_a_named_member_of_staff_and_an_open_case(cast: Cast) -> None:
    unnamed = public_concern(
        cast.organisation, kind="allegation", subject_staff_name="the music teacher"
    )
    with pytest.raises(ValidationFailed) as refused:
        services.staff_suspend(actor=cast.dsl, concern=unnamed, reason="Pending")
    assert "name the member of staff" in refused.value.errors["concern"]
    concern = _reclassify(cast, _learners_report(cast))
    _suspend(cast, concern)
    with pytest.raises(ValidationFailed) as twice:
        _suspend(cast, concern)
    assert "already suspended" in twice.value.errors["concern"]
    assert StaffSuspension.objects.count() == 1


def test_an_allegation_does_not_close_while_its_suspension_stands(cast: Cast) -> None:
    concern = _reclassify(cast, _learners_report(cast))
    services.concern_acknowledge(actor=cast.dsl, concern=concern)
    suspension = _suspend(cast, concern)
    with pytest.raises(ValidationFailed) as refused:
        services.concern_close(
            actor=cast.dsl,
            concern=concern,
            responses={},
            reporter_told="Told in person",
            open_steps_reason="LADO closed it",
            allegation_outcome="unsubstantiated",
        )
    assert "still suspended" in refused.value.errors["concern"]
    concern.refresh_from_db()
    assert concern.status != "closed"
    services.staff_suspension_lift(
        actor=cast.dsl, concern_id=concern.pk, suspension_id=suspension.pk, reason="Cleared"
    )
    services.concern_close(
        actor=cast.dsl,
        concern=concern,
        responses={},
        reporter_told="Told in person",
        open_steps_reason="LADO closed it",
        allegation_outcome="unsubstantiated",
    )


def _close(cast: Cast, concern: Concern, outcome: str) -> Concern:
    return services.concern_close(
        actor=cast.dsl,
        concern=concern,
        responses={},
        reporter_told="Told in person",
        open_steps_reason="LADO closed it",
        allegation_outcome=outcome,
    )


@pytest.mark.parametrize("outcome", ["unfounded", "false", "malicious", "substantiated"])
def test_an_allegation_closes_with_its_outcome_in_the_entry_and_the_audit_log(
    cast: Cast, outcome: str
) -> None:
    concern = _reclassify(cast, _learners_report(cast))
    services.concern_acknowledge(actor=cast.dsl, concern=concern)
    _close(cast, concern, outcome)
    concern.refresh_from_db()
    assert (concern.status, concern.allegation_outcome) == ("closed", outcome)
    assert concern.entries.get(kind=EntryKind.CLOSED).data["allegation_outcome"] == outcome
    event = AuditEvent.objects.get(action=AuditAction.CONCERN_CLOSED)
    assert event.details["allegation_outcome"] == outcome


@pytest.mark.parametrize("outcome", ["", "dismissed"])
def test_an_allegation_without_a_known_outcome_does_not_close_and_nothing_changes(
    cast: Cast, outcome: str
) -> None:
    concern = _reclassify(cast, _learners_report(cast))
    services.concern_acknowledge(actor=cast.dsl, concern=concern)
    entries, events = concern.entries.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        _close(cast, concern, outcome)
    assert "choose the allegation's outcome" in refused.value.errors["allegation_outcome"]
    concern.refresh_from_db()
    assert concern.status != "closed" and concern.closed_at is None
    assert concern.allegation_outcome == ""
    assert (concern.entries.count(), AuditEvent.objects.count()) == (entries, events)


def test_a_concern_about_a_child_has_no_allegation_outcome(cast: Cast) -> None:
    concern = _learners_report(cast)
    services.concern_acknowledge(actor=cast.dsl, concern=concern)
    with pytest.raises(ValidationFailed) as refused:
        _close(cast, concern, "unfounded")
    assert "only an allegation" in refused.value.errors["allegation_outcome"]
    concern.refresh_from_db()
    assert concern.status != "closed" and concern.allegation_outcome == ""


def test_the_close_page_of_an_allegation_asks_for_its_outcome(cast: Cast) -> None:
    always_in_hours(cast.organisation)
    concern = _reclassify(cast, _learners_report(cast))
    services.concern_acknowledge(actor=cast.dsl, concern=concern)
    dsl = signed_in(cast.dsl)
    page = dsl.get(f"/concerns/{concern.pk}/close/").content.decode()
    assert "Outcome of the allegation" in page
    sent = {"reporter_told": "Told in person", "open_steps_reason": "LADO closed it"}
    missing = dsl.post(f"/concerns/{concern.pk}/close/", sent)
    assert missing.status_code == 400
    assert "Choose the allegation&#x27;s outcome." in missing.content.decode()
    concern.refresh_from_db()
    assert concern.status != "closed"
    closed = dsl.post(f"/concerns/{concern.pk}/close/", {**sent, "allegation_outcome": "false"})
    assert closed.status_code == 302
    concern.refresh_from_db()
    assert (concern.status, concern.allegation_outcome) == ("closed", "false")


def test_the_case_page_suspends_and_lifts(cast: Cast) -> None:
    always_in_hours(cast.organisation)
    concern = _reclassify(cast, _learners_report(cast))
    dsl = signed_in(cast.dsl)
    page = dsl.get(f"/concerns/{concern.pk}/").content.decode()
    assert "Suspend Terry Finch from sessions" in page
    empty = dsl.post(f"/concerns/{concern.pk}/suspensions/", {"reason": ""})
    assert empty.status_code == 400 and not StaffSuspension.objects.exists()
    assert dsl.post(f"/concerns/{concern.pk}/suspensions/", {"reason": "LADO"}).status_code == 302
    suspension = StaffSuspension.objects.get()
    page = dsl.get(f"/concerns/{concern.pk}/").content.decode()
    assert "Terry Finch is suspended from sessions" in page
    lifted = dsl.post(
        f"/concerns/{concern.pk}/suspensions/{suspension.pk}/lift/",
        {"lift_reason": "Cleared by the LADO"},
    )
    assert lifted.status_code == 302
    suspension.refresh_from_db()
    assert (
        suspension.lifted_by_id == cast.dsl.pk and suspension.lift_reason == "Cleared by the LADO"
    )


def test_an_allegation_about_the_dsl_is_named_and_suspended_by_a_senior_leader(
    cast: Cast,
) -> None:
    concern = public_concern(
        cast.organisation,
        kind="allegation",
        subject_staff_name="the safeguarding lead",
        description="The DSL shouted at my child in an online class and called them names.",
    )
    # A senior leader not named on the case may not name anyone.
    with pytest.raises(NotFound):
        services.concern_reclassify_as_allegation(
            actor=cast.slt, concern=concern, subject_staff=cast.dsl, reason="It is Dana"
        )
    services.concern_access_grant(actor=cast.dsl, concern=concern, user=cast.slt)
    services.concern_reclassify_as_allegation(
        actor=cast.slt, concern=concern, subject_staff=cast.dsl, reason="It is about Dana"
    )
    concern.refresh_from_db()
    assert not may_open(cast.dsl, concern) and may_open(cast.slt, concern)
    services.staff_suspend(actor=cast.slt, concern=concern, reason="While it is looked into")
    assert suspended_staff([cast.dsl.pk]) == {cast.dsl.pk}


def test_the_lado_step_is_due_at_the_end_of_the_next_working_day(cast: Cast) -> None:
    """A Friday evening allegation: due at the end of Monday's working hours."""
    from chaperon.concerns.checklist import LADO, due_at

    zone = cast.organisation.zone
    friday = datetime(2026, 11, 27, 19, 30, tzinfo=zone)
    due = due_at(LADO, now=friday, zone=zone, working_days="12345", working_end=time(17, 0))
    assert due == datetime(2026, 11, 30, 17, 0, tzinfo=zone)

"""Build the policy engine's plan (specs/policy-check.md, version 1) from Chaperon's records.

Facts come from the people (staff checks, dates of birth), consent (answers, agreed slots,
staff recording consent), the app that keeps safeguarding cases (whether a member of staff is
suspended from sessions, through ``chaperon.core.cases``: never why) and this app (the
learner's other sessions that week, the platform register, an approved exception). Anything
unknown is passed as unknown, so the engine fails closed on it.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from chaperon.consent.selectors import session_consent_facts, staff_recording_consent
from chaperon.core.cases import suspended_staff
from chaperon.core.pure.consent import ConsentStatus, ParentInformation
from chaperon.people.models import Learner, Organisation, StaffMember, User
from chaperon.policy.engine.document import Policy
from chaperon.policy.models import BUILTIN_PLATFORM, BUILTIN_SETTINGS, ApprovedPlatform
from chaperon.policy.selectors import organisation_policy

from .models import (
    ExceptionStatus,
    Session,
    SessionException,
    SessionKind,
    SessionStatus,
)

# Sessions that count as "the learner's other sessions" for the weekly limit.
ACTIVE_STATUSES = (SessionStatus.AWAITING_EXCEPTION, SessionStatus.BOOKED, SessionStatus.OPEN)


def staff_subject(user_id: int) -> str:
    return f"st{user_id}"


def learner_subject(learner_id: int) -> str:
    return f"ln{learner_id}"


# The session's own settings beyond its time and who takes part: a proposal carries them as
# the session holds them, and booking and the change page set them, each under the same name.
SESSION_SETTINGS = (
    "named_adult",
    "guardians_may_drop_in",
    "platform",
    "taking_part",
    "recording_enabled",
    "recording_purpose",
    "recording_alternative",
    "recording_need",
)


def settings_of(source: Any) -> dict[str, Any]:
    """The ``SESSION_SETTINGS`` of a session, a proposal or a change, by name."""
    return {name: getattr(source, name) for name in SESSION_SETTINGS}


@dataclass(frozen=True)
class Proposal:
    """A session as booked (or asked for): everything the plan is built from."""

    organisation: Organisation
    kind: str
    start: datetime
    duration_minutes: int
    platform: str
    recording_enabled: bool
    recording_purpose: str
    staff: Sequence[User]
    learners: Sequence[Learner]
    named_adult: str = ""
    guardians_may_drop_in: bool = False
    taking_part: str = ""
    recording_alternative: str = ""
    recording_need: str = ""
    # The plan for the conversation and, for a 1:1, the crisis process: asked when booking,
    # kept on the session for the host's preparation (SES-13).
    conversation_plan: str = ""
    crisis_plan: str = ""
    risk_assessment_done: bool = False
    session_id: int | None = None
    exception: SessionException | None = None
    # Known only when the session opens (stage "start"): learner id -> answer.
    adult_present: Mapping[int, bool] = field(default_factory=dict)
    comfortable_being_recorded: Mapping[int, bool] = field(default_factory=dict)

    @classmethod
    def of(cls, session: Session, **start_facts: Any) -> "Proposal":
        approved = next(
            (
                exception
                for exception in session.exceptions.all()
                if exception.status == ExceptionStatus.APPROVED
            ),
            None,
        )
        return cls(
            organisation=session.organisation,
            kind=session.kind,
            start=session.start,
            duration_minutes=session.duration_minutes,
            staff=list(session.staff.all()),
            learners=list(session.learners.all()),
            **settings_of(session),
            conversation_plan=session.conversation_plan,
            crisis_plan=session.crisis_plan,
            risk_assessment_done=session.risk_assessed_at is not None,
            session_id=session.pk,
            exception=approved,
            **start_facts,
        )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


class PlanFacts:
    """The records plans are built from, each loaded once however many plans use it.

    Building one plan (a booking) makes a fresh one; re-checking many sessions shares one, so
    the cost per session stays small: ``for_sessions`` loads the staff, their consent to
    recording and the learners' other sessions for the whole batch in a few queries.
    """

    def __init__(self) -> None:
        self._policies: dict[int, Policy] = {}
        self._staff: dict[int, StaffMember] = {}
        self._recording: dict[int, bool] = {}
        self._suspended: set[int] = set()
        self._consent: dict[tuple[frozenset[int], str, date], Mapping[int, Any]] = {}
        self._platforms: dict[tuple[int, str], tuple[str, dict[str, Any]]] = {}
        # Preloaded starts of active sessions: (learner id, session id, start).
        self._starts: list[tuple[int, int, datetime]] | None = None
        self._starts_window: tuple[datetime, datetime] | None = None

    @classmethod
    def for_sessions(cls, sessions: Sequence[Session]) -> "PlanFacts":
        facts = cls()
        if not sessions:
            return facts
        facts._load_staff({user.pk for session in sessions for user in session.staff.all()})
        learner_ids = {learner.pk for session in sessions for learner in session.learners.all()}
        window = (
            min(session.start for session in sessions) - timedelta(days=7),
            max(session.start for session in sessions) + timedelta(days=7),
        )
        facts._starts = _active_starts(learner_ids, window)
        facts._starts_window = window
        return facts

    def policy(self, organisation: Organisation) -> Policy:
        if organisation.pk not in self._policies:
            self._policies[organisation.pk] = organisation_policy(organisation)
        return self._policies[organisation.pk]

    def _load_staff(self, user_ids: set[int]) -> None:
        missing = user_ids - set(self._staff)
        if not missing:
            return
        members = StaffMember.objects.filter(user_id__in=missing)
        self._staff.update({member.user_id: member for member in members})
        self._recording.update(staff_recording_consent(staff_ids=[member.pk for member in members]))
        self._suspended |= suspended_staff(missing)

    def staff(self, user_id: int) -> StaffMember | None:
        self._load_staff({user_id})
        return self._staff.get(user_id)

    def may_be_recorded(self, member: StaffMember) -> bool:
        return bool(self._recording.get(member.pk))

    def suspended(self, user_id: int) -> bool:
        self._load_staff({user_id})
        return user_id in self._suspended

    def consent(self, learner_ids: Sequence[int], kind: str, on: date) -> Mapping[int, Any]:
        key = (frozenset(learner_ids), kind, on)
        if key not in self._consent:
            self._consent[key] = session_consent_facts(learner_ids=learner_ids, kind=kind, on=on)
        return self._consent[key]

    def platform(self, organisation: Organisation, key: str) -> tuple[str, dict[str, Any]]:
        """(account, settings) of a platform; an unregistered one has neither."""
        if key == BUILTIN_PLATFORM:
            return "organisation", dict(BUILTIN_SETTINGS)
        if (organisation.pk, key) not in self._platforms:
            registered = ApprovedPlatform.objects.filter(organisation=organisation, key=key).first()
            self._platforms[(organisation.pk, key)] = (
                (
                    "organisation" if registered.organisation_account else "personal",
                    dict(registered.settings),
                )
                if registered
                else ("unknown", {})
            )
        return self._platforms[(organisation.pk, key)]

    def other_starts(self, proposal: Proposal) -> dict[int, list[str]]:
        """For each learner, the starts of their other active sessions within a week."""
        learner_ids = {learner.pk for learner in proposal.learners}
        window = (proposal.start - timedelta(days=7), proposal.start + timedelta(days=7))
        preloaded = self._starts_window is not None and (
            self._starts_window[0] <= window[0] and window[1] <= self._starts_window[1]
        )
        rows = (
            self._starts
            if preloaded and self._starts is not None
            else _active_starts(learner_ids, window)
        )
        starts: dict[int, list[str]] = {learner_id: [] for learner_id in learner_ids}
        for learner_id, session_id, start in rows:
            if (
                learner_id in learner_ids
                and session_id != proposal.session_id
                and window[0] <= start <= window[1]
            ):
                starts[learner_id].append(start.isoformat())
        return starts


def _active_starts(
    learner_ids: set[int], window: tuple[datetime, datetime]
) -> list[tuple[int, int, datetime]]:
    """(learner id, session id, start) of every active session of these learners in the window."""
    through = Session.learners.through.objects.filter(
        learner_id__in=learner_ids,
        session__status__in=ACTIVE_STATUSES,
        session__start__range=window,
    )
    return list(through.values_list("learner_id", "session_id", "session__start"))


def _exception(proposal: Proposal) -> dict[str, Any] | None:
    exception = proposal.exception
    if exception is None or exception.status != ExceptionStatus.APPROVED:
        return None
    return {
        "approved_by_role": exception.decided_role,
        # The approver's name: the engine's findings quote it to people.
        "approved_by": exception.decided_by.full_name if exception.decided_by else "",
        "reason": exception.decision_reason,
        "covers": list(exception.covers),
    }


def build_plan(
    proposal: Proposal, *, stage: str = "book", facts: PlanFacts | None = None
) -> dict[str, Any]:
    facts = facts or PlanFacts()
    account, platform_settings = facts.platform(proposal.organisation, proposal.platform)
    on = proposal.start.astimezone(proposal.organisation.zone).date()
    consent = facts.consent([learner.pk for learner in proposal.learners], proposal.kind, on)
    other_starts = facts.other_starts(proposal)
    one_to_one = proposal.kind == SessionKind.ONE_TO_ONE
    other_adults = [{"role": "guardian"}] if proposal.guardians_may_drop_in else []
    if one_to_one and len(proposal.staff) > 1:
        other_adults.append({"role": "staff"})
    return {
        "session": {
            "kind": proposal.kind,
            "stage": stage,
            "start": proposal.start.isoformat(),
            "duration_minutes": proposal.duration_minutes,
            "platform": proposal.platform,
            "account": account,
            "settings": platform_settings,
            "recording": {
                "enabled": proposal.recording_enabled,
                "purpose": proposal.recording_purpose or None,
            },
            "risk_assessment_done": proposal.risk_assessment_done,
            "exception": _exception(proposal),
        },
        "staff": [_staff_facts(user.pk, facts) for user in proposal.staff],
        "learners": [
            _learner_facts(learner, proposal, consent, other_starts, stage)
            for learner in proposal.learners
        ],
        "other_adults": other_adults,
    }


def _staff_facts(user_id: int, facts: PlanFacts) -> dict[str, Any]:
    member = facts.staff(user_id)
    return {
        "id": staff_subject(user_id),
        "dbs_checked_on": _iso(member.dbs_checked_on) if member else None,
        "safeguarding_training_on": _iso(member.safeguarding_training_on) if member else None,
        "aup_signed_on": _iso(member.aup_signed_on) if member else None,
        "recording_consent": bool(member and facts.may_be_recorded(member)),
        "suspended": facts.suspended(user_id),
    }


def _learner_facts(
    learner: Learner,
    proposal: Proposal,
    consent: Mapping[int, Any],
    other_starts: Mapping[int, list[str]],
    stage: str,
) -> dict[str, Any]:
    facts = consent.get(learner.pk)
    if stage == "start":
        adult_present: bool | None = proposal.adult_present.get(learner.pk)
    else:  # booking: the organiser has named the adult who will be there
        adult_present = bool(proposal.named_adult.strip())
    return {
        "id": learner_subject(learner.pk),
        "date_of_birth": learner.date_of_birth.isoformat(),
        "adult_at_risk": learner.adult_at_risk,
        "consent": {
            "participation": facts.participation if facts else ConsentStatus.MISSING,
            "recording": facts.recording if facts else ConsentStatus.MISSING,
            "parent_information": facts.parent_information if facts else ParentInformation.MISSING,
        },
        "agreed_slots": list(facts.agreed_slots) if facts else [],
        "other_sessions_starts": other_starts.get(learner.pk, []),
        "adult_present": adult_present,
        "comfortable_being_recorded": proposal.comfortable_being_recorded.get(learner.pk),
    }

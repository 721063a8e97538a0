"""One small function per rule: its check (``catalogue.py`` gives each rule its identifier,
clause, outcome and words, and names its check here).

Each takes the ``Context`` of one evaluation and answers the failures: ``(subject, message)``
pairs, where the subject is a learner's or staff member's id, or ``None`` for the session as a
whole. An empty answer means the rule passes. Whether the rule applies (a 1:1, a minor, a
recorded session) is decided inside it; the stage is decided by the engine.

Every fact that is not known (``None``) fails the check that needs it.
"""

from collections.abc import Callable, Sequence
from datetime import date, timedelta

from chaperon.core.pure import dates

from .document import Policy
from .facts import ConsentStatus, Kind, Learner, ParentInformation, Plan, Slot, Staff

Failures = Sequence[tuple[str | None, str]]
PASS: Failures = ()


class Context:
    """What every rule needs, worked out once per evaluation: the session's start and end in
    the policy's time zone, its date there, and which learners are minors or at risk."""

    __slots__ = (
        "day",
        "end",
        "minors",
        "plan",
        "policy",
        "protected",
        "same_day",
        "start",
    )

    def __init__(self, policy: Policy, plan: Plan) -> None:
        session = plan.session
        zone = policy.zone
        self.policy = policy
        self.plan = plan
        # Add the duration in UTC (elapsed time), then read the clock in the policy's zone.
        self.start = session.start.astimezone(zone)
        self.end = (session.start + timedelta(minutes=session.duration_minutes)).astimezone(zone)
        self.day = self.start.date()
        self.same_day = self.end.date() == self.day
        self.minors = tuple(dates.is_minor(one.date_of_birth, self.day) for one in plan.learners)
        # At risk unless known not to be (fail closed).
        self.protected = tuple(
            minor or one.adult_at_risk is not False
            for minor, one in zip(self.minors, plan.learners, strict=True)
        )

    def protected_learners(self) -> list[Learner]:
        """Learners who are minors or adults at risk on the session's date."""
        return [one for one, yes in zip(self.plan.learners, self.protected, strict=True) if yes]

    def when(self) -> str:
        return (
            f"{dates.DAY_WORDS[self.start.weekday()]} {self.start:%H:%M} to "
            f"{self.end:%H:%M}{'' if self.same_day else ' the next day'}"
        )


def _unknown(value: object) -> str:
    return " (not known)" if value is None else ""


# Consent --------------------------------------------------------------------------------------

_NOT_GIVEN = {
    ConsentStatus.DECLINED: "was declined",
    ConsentStatus.WITHDRAWN: "has been withdrawn",
    ConsentStatus.MISSING: "is missing",
}


def consent_participation(c: Context) -> Failures:
    return [
        (one.id, f"Consent to take part {_NOT_GIVEN[one.consent.participation]}.")
        for one in c.plan.learners
        if one.consent.participation != ConsentStatus.GIVEN
    ]


def consent_parent_information(c: Context) -> Failures:
    return [
        (
            one.id,
            "A parent has not confirmed in writing that they received the parent information"
            + (
                " (date of birth not known, so treated as under 18)."
                if one.date_of_birth is None
                else "."
            ),
        )
        for one, minor in zip(c.plan.learners, c.minors, strict=True)
        if minor and one.consent.parent_information != ParentInformation.CONFIRMED
    ]


def consent_recording(c: Context) -> Failures:
    if not c.plan.session.recording.enabled:
        return PASS
    failures: list[tuple[str | None, str]] = [
        (one.id, f"Consent to record {_NOT_GIVEN[one.consent.recording]}.")
        for one in c.plan.learners
        if one.consent.recording != ConsentStatus.GIVEN
    ]
    failures += [
        (member.id, f"The staff member has not consented to the recording{_unknown(consent)}.")
        for member in c.plan.staff
        if (consent := member.recording_consent) is not True
    ]
    return failures


# Recording ------------------------------------------------------------------------------------


def recording_purpose(c: Context) -> Failures:
    recording = c.plan.session.recording
    if recording.enabled and not (recording.purpose or "").strip():
        return [(None, "The recording has no stated purpose.")]
    return PASS


def recording_comfort_check(c: Context) -> Failures:
    if not c.plan.session.recording.enabled:
        return PASS
    return [
        (one.id, f"The learner is not confirmed comfortable being recorded{_unknown(comfort)}.")
        for one in c.plan.learners
        if (comfort := one.comfortable_being_recorded) is not True
    ]


# Time -----------------------------------------------------------------------------------------


def _inside_a_slot(c: Context, learner: Learner) -> bool:
    if not c.same_day:
        return False
    weekday, start, end = c.start.weekday(), c.start.time(), c.end.time()
    return any(
        weekday in slot.days and slot.start <= start and end <= slot.end
        for slot in learner.agreed_slots
    )


def time_agreed_slot(c: Context) -> Failures:
    if c.plan.session.kind != Kind.ONE_TO_ONE:
        return PASS
    failures: list[tuple[str | None, str]] = []
    for one in c.protected_learners():
        if not one.agreed_slots:
            failures.append((one.id, "No days and times are agreed for 1:1 sessions."))
        elif not _inside_a_slot(c, one):
            failures.append(
                (
                    one.id,
                    f"The session ({c.when()}) is not within a day and time agreed "
                    f"(agreed: {_slots_words(one.agreed_slots)}).",
                )
            )
    return failures


def _slots_words(slots: Sequence[Slot]) -> str:
    """``Monday to Friday, 09:00 to 15:00; Saturday, 10:00 to 12:00``."""
    return "; ".join(
        f"{dates.days_words(slot.days)}, {slot.start:%H:%M} to {slot.end:%H:%M}" for slot in slots
    )


def time_working_hours(c: Context) -> Failures:
    policy = c.policy
    if (
        c.same_day
        and c.start.weekday() in policy.working_day_set
        and policy.working_hours_start <= c.start.time()
        and c.end.time() <= policy.working_hours_end
    ):
        return PASS
    return [
        (
            None,
            f"The session runs {c.when()}; working hours are "
            f"{policy.working_hours_start:%H:%M} to {policy.working_hours_end:%H:%M}, "
            f"{dates.days_words(policy.working_days)}.",
        )
    ]


def duration_max(c: Context) -> Failures:
    minutes, limit = c.plan.session.duration_minutes, c.policy.max_duration_minutes
    if minutes <= limit:
        return PASS
    return [(None, f"The session lasts {minutes} minutes; the limit is {limit}.")]


def frequency_weekly(c: Context) -> Failures:
    limit, zone = c.policy.max_sessions_per_week, c.policy.zone
    monday = dates.monday_of(c.day)
    failures: list[tuple[str | None, str]] = []
    for one in c.plan.learners:
        starts = one.other_sessions_starts
        if starts is None:
            failures.append((one.id, "The learner's other sessions are not known."))
            continue
        same_week = sum(0 <= (s.astimezone(zone).date() - monday).days < 7 for s in starts)
        if same_week >= limit:
            failures.append(
                (
                    one.id,
                    f"The learner already has {same_week} other "
                    f"session{'s' * (same_week != 1)} in the week starting "
                    f"{dates.long_date(monday)}; the limit is {limit} a week.",
                )
            )
    return failures


# Who is there ---------------------------------------------------------------------------------


def attendance_two_staff(c: Context) -> Failures:
    count = len(c.plan.staff)
    if c.plan.session.kind == Kind.ONE_TO_ONE or count >= 2:
        return PASS
    return [(None, f"A group session needs at least two members of staff; {count} planned.")]


def attendance_adult_present(c: Context) -> Failures:
    if c.plan.session.kind != Kind.ONE_TO_ONE:
        return PASS
    return [
        (
            one.id,
            "A parent, carer or named adult is not confirmed present in the house"
            f"{_unknown(present)}.",
        )
        for one in c.protected_learners()
        if (present := one.adult_present) is not True
    ]


def attendance_facilitator_invited(c: Context) -> Failures:
    plan = c.plan
    if plan.session.kind != Kind.ONE_TO_ONE or plan.other_adults or not any(c.protected):
        return PASS
    return [(None, "No parent, teacher or facilitator is invited to drop in.")]


# Staff checks ---------------------------------------------------------------------------------


def _staff_check(
    c: Context, done_on: Callable[[Staff], date | None], years: int, what: str
) -> Failures:
    failures: list[tuple[str | None, str]] = []
    for member in c.plan.staff:
        day = done_on(member)
        if day is None:
            failures.append((member.id, f"No {what} date is recorded."))
        elif not dates.valid_on(day, years, c.day):
            until = dates.add_years(day, years)
            failures.append(
                (
                    member.id,
                    f"The {what} expired on {dates.long_date(until)}, before the session "
                    f"on {dates.long_date(c.day)}.",
                )
            )
    return failures


def staff_dbs(c: Context) -> Failures:
    return _staff_check(c, lambda m: m.dbs_checked_on, c.policy.dbs_valid_years, "DBS check")


def staff_training(c: Context) -> Failures:
    return _staff_check(
        c,
        lambda m: m.safeguarding_training_on,
        c.policy.training_valid_years,
        "safeguarding training",
    )


def staff_aup(c: Context) -> Failures:
    return _staff_check(
        c, lambda m: m.aup_signed_on, c.policy.aup_valid_years, "acceptable use agreement"
    )


def staff_suspended(c: Context) -> Failures:
    """Neutral words: the booker may be the member of staff, and the reason is not theirs to
    read here."""
    return [
        (
            member.id,
            "It is not known whether this member of staff may run or join sessions now."
            if member.suspended is None
            else "This member of staff may not run or join sessions at present.",
        )
        for member in c.plan.staff
        if member.suspended is not False
    ]


# Platform and room settings -------------------------------------------------------------------


def platform_approved(c: Context) -> Failures:
    platform = c.plan.session.platform
    if platform in c.policy.approved_platform_set:
        return PASS
    approved = ", ".join(c.policy.approved_platforms)
    if platform is None:
        return [(None, f"The platform is not known; approved platforms: {approved}.")]
    return [(None, f"The platform {platform} is not approved; approved platforms: {approved}.")]


def platform_account(c: Context) -> Failures:
    account = c.plan.session.account
    if account == "organisation":
        return PASS
    return [(None, f"The session does not use an organisation account{_unknown(account)}.")]


def _setting(value: bool | None, wanted: bool, message: str) -> Failures:
    return PASS if value is wanted else [(None, f"{message}{_unknown(value)}.")]


def platform_waiting_room(c: Context) -> Failures:
    return _setting(c.plan.session.settings.waiting_room, True, "The waiting room is not on")


def platform_passcode(c: Context) -> Failures:
    return _setting(c.plan.session.settings.passcode, True, "A passcode is not required")


def platform_video(c: Context) -> Failures:
    settings = c.plan.session.settings
    if settings.host_video is True and settings.participant_video is True:
        return PASS
    return [(None, "Host and participant video are not both on.")]


def platform_screen_share(c: Context) -> Failures:
    return _setting(
        c.plan.session.settings.participant_screen_share,
        False,
        "Participants' screen sharing is not off",
    )


def platform_rename(c: Context) -> Failures:
    return _setting(
        c.plan.session.settings.participant_rename,
        False,
        "Participants renaming themselves is not off",
    )


def platform_lock(c: Context) -> Failures:
    return _setting(
        c.plan.session.settings.lock_when_all_arrived,
        True,
        "Locking the meeting once everyone has arrived is not on",
    )


# When the session opens -----------------------------------------------------------------------


def session_risk_assessment(c: Context) -> Failures:
    done = c.plan.session.risk_assessment_done
    return _setting(done, True, "No risk assessment is recorded for this session")

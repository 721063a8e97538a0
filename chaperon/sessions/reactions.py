"""How sessions react to what other apps announce (subscribed in ``apps.py``)."""

from chaperon.consent.events import ConsentChanged
from chaperon.people.events import (
    GroupMembersChanged,
    LearnerLeft,
    OrganisationSettingsChanged,
    StaffChanged,
    StaffLeft,
)
from chaperon.policy.events import PolicyChanged

from .services.groups import sessions_follow_group
from .services.leavers import sessions_stop_for_learner_leaver, sessions_stop_for_leaver
from .tasks import (
    recheck_learner_sessions_task,
    recheck_organisation_sessions_task,
    recheck_staff_sessions_task,
)


def on_consent_changed(event: ConsentChanged) -> None:
    """Every answer (given, declined or withdrawn) is announced so; the findings say which."""
    recheck_learner_sessions_task.enqueue(
        event.learner_id, "a consent answer for a learner in it was recorded"
    )


def on_staff_changed(event: StaffChanged) -> None:
    recheck_staff_sessions_task.enqueue(event.user_id, "a staff member's record changed")


def on_staff_left(event: StaffLeft) -> None:
    """At once, not queued: a leaver must not be left running a session meanwhile."""
    sessions_stop_for_leaver(user_id=event.user_id)


def on_learner_left(event: LearnerLeft) -> None:
    sessions_stop_for_learner_leaver(learner_id=event.learner_id)


def on_organisation_settings_changed(event: OrganisationSettingsChanged) -> None:
    recheck_organisation_sessions_task.enqueue(
        event.organisation_id, "the organisation's settings changed"
    )


def on_policy_changed(event: PolicyChanged) -> None:
    recheck_organisation_sessions_task.enqueue(
        event.organisation_id, f"the session policy changed (version {event.version})"
    )


def on_group_members_changed(event: GroupMembersChanged) -> None:
    """At once: a learner who joined a class is invited to its next session straight away."""
    sessions_follow_group(group_id=event.group_id, joined=event.joined, left=event.left)

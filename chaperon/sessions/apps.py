from datetime import timedelta

from django.apps import AppConfig


class SessionsConfig(AppConfig):
    """Booking live sessions. Django's own ``sessions`` app owns that label, hence this one."""

    name = "chaperon.sessions"
    label = "live_sessions"
    verbose_name = "Live sessions"

    def ready(self) -> None:
        from chaperon.consent.events import ConsentChanged
        from chaperon.core import events
        from chaperon.core.navigation import register_nav
        from chaperon.core.panels import register_panel
        from chaperon.core.scheduling import register_periodic
        from chaperon.people.events import (
            GroupMembersChanged,
            LearnerLeft,
            OrganisationSettingsChanged,
            StaffChanged,
            StaffLeft,
        )
        from chaperon.people.permissions import can
        from chaperon.people.roles import Permission
        from chaperon.policy.events import PolicyChanged

        from . import reactions
        from .panels import sessions_panel
        from .permissions import may_book, oversees
        from .tasks import recheck_all_upcoming_sessions_task

        events.subscribe(ConsentChanged, reactions.on_consent_changed)
        events.subscribe(StaffChanged, reactions.on_staff_changed)
        events.subscribe(StaffLeft, reactions.on_staff_left)
        events.subscribe(LearnerLeft, reactions.on_learner_left)
        events.subscribe(GroupMembersChanged, reactions.on_group_members_changed)
        events.subscribe(OrganisationSettingsChanged, reactions.on_organisation_settings_changed)
        events.subscribe(PolicyChanged, reactions.on_policy_changed)
        register_periodic(recheck_all_upcoming_sessions_task, every=timedelta(hours=6))
        register_panel("sessions/_dashboard_panel.html", sessions_panel, order=10)
        register_nav(
            "classes",
            "Classes",
            "classes:list",
            order=35,
            visible=lambda user: can(user, Permission.VIEW_LEARNERS),
        )
        register_nav(
            "sessions",
            "Sessions",
            "sessions:list",
            order=10,
            visible=lambda user: may_book(user) or oversees(user),
        )

        # What it holds about people, for the register of personal information (ORG-7).
        from .processing import declare as declare_processing

        declare_processing()

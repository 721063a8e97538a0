from datetime import timedelta

from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "chaperon.concerns"
    label = "concerns"
    verbose_name = "Concerns and incidents"

    def ready(self) -> None:
        from chaperon.core.cases import register_case_lookup, register_suspension_lookup
        from chaperon.core.navigation import register_nav, register_record_link
        from chaperon.core.panels import register_panel
        from chaperon.core.scheduling import register_periodic

        from .permissions import handles_concerns, may_raise_concerns
        from .selectors import concern_reference_exists, dashboard_for, handles_any
        from .services.allegations import suspended_among
        from .tasks import (
            escalate_unacknowledged_concerns_task,
            forget_old_report_counts_task,
            replay_spooled_reports_task,
        )

        register_nav("concerns", "Concerns", "concerns:list", order=15, visible=handles_any)
        register_nav(
            "report_concern",
            "Report a concern",
            "concerns:new",
            order=90,
            visible=may_raise_concerns,
        )
        register_record_link(
            "people.learner",
            "Chronology",
            "concerns:chronology",
            visible=lambda user, _learner: handles_concerns(user),
        )
        register_panel("concerns/_dashboard_panel.html", dashboard_for, order=5)
        register_case_lookup(concern_reference_exists)
        register_suspension_lookup(suspended_among)
        # The scheduler looks every 30 seconds; a minute keeps escalation within a minute of due.
        register_periodic(escalate_unacknowledged_concerns_task, every=timedelta(minutes=1))
        # Reports kept while the database was down reach the DSL soon after it returns: the
        # scheduler looks again as soon as the database answers, and this is due by then.
        register_periodic(replay_spooled_reports_task, every=timedelta(seconds=15))
        register_periodic(forget_old_report_counts_task, every=timedelta(hours=1))

        # What it holds about people, for the register of personal information (ORG-7).
        from .processing import declare as declare_processing

        declare_processing()

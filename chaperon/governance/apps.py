from datetime import timedelta

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "chaperon.governance"
    label = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from chaperon.core.navigation import register_nav
        from chaperon.core.panels import register_panel, register_record_panel
        from chaperon.core.scheduling import register_periodic

        from .middleware import remember_agreement_at_sign_in
        from .panels import governance_panel, my_training_panel, session_agreements_panel
        from .permissions import (
            may_publish_agreements,
            may_read_annual_review,
            may_read_board_report,
            may_read_filtering,
            may_read_self_review,
            may_read_training,
            may_see_personal_information,
            may_see_team,
            may_set_board_meetings,
        )
        from .tasks import (
            prepare_board_reports_task,
            send_board_meeting_reminders_task,
            send_training_reminders_task,
        )

        register_panel("governance/_dashboard_panel.html", governance_panel, order=7)
        register_panel("governance/_training_panel.html", my_training_panel, order=20)
        register_record_panel(
            "live_sessions.session",
            "governance/_session_agreements.html",
            session_agreements_panel,
            order=5,
        )
        register_nav("team", "Safeguarding team", "governance:team", order=90, visible=may_see_team)
        register_nav(
            "agreements",
            "Agreements",
            "governance:agreements",
            order=91,
            visible=may_publish_agreements,
        )
        register_nav(
            "filtering", "Filtering", "governance:filtering", order=92, visible=may_read_filtering
        )
        register_nav(
            "training", "Training", "governance:training", order=93, visible=may_read_training
        )
        register_nav(
            "personal_information",
            "Personal information",
            "governance:personal_information",
            order=94,
            visible=may_see_personal_information,
        )
        register_nav(
            "board_reports",
            "Board report",
            "governance:board_reports",
            order=95,
            visible=may_read_board_report,
        )
        register_nav(
            "board_meetings",
            "Board meetings",
            "governance:board_meetings",
            order=95,
            # Those who read the reports reach the meetings from the Board report page.
            visible=lambda user: may_set_board_meetings(user) and not may_read_board_report(user),
        )
        register_nav(
            "review",
            "Annual review",
            "governance:reviews",
            order=96,
            visible=may_read_annual_review,
        )
        register_nav(
            "self_review",
            "Self-review",
            "governance:self_reviews",
            order=97,
            visible=may_read_self_review,
        )
        user_logged_in.connect(remember_agreement_at_sign_in, dispatch_uid="governance-agreement")
        # A completion lapses by the day: one run a day is enough; each reminder goes once.
        register_periodic(send_training_reminders_task, every=timedelta(hours=24))
        # A quarter ends at midnight: its report is prepared within the hour after.
        register_periodic(prepare_board_reports_task, every=timedelta(hours=1))
        # Reminders are due by the day; hourly so that a meeting set soon is reminded soon.
        register_periodic(send_board_meeting_reminders_task, every=timedelta(hours=1))

        # What it holds about people, for the register of personal information (ORG-7).
        from .processing import declare as declare_processing

        declare_processing()

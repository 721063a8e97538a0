from datetime import timedelta

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """Meeting records (LOG-1, LOG-2): the record of each session, reminders, limited reads and
    retention. Its tables were made by the sessions app and keep their names."""

    name = "chaperon.records"
    label = "records"
    verbose_name = "Meeting records"

    def ready(self) -> None:
        from chaperon.core.panels import register_panel, register_record_panel
        from chaperon.core.scheduling import register_periodic

        from .panels import records_due_panel, session_record_panel
        from .tasks import destroy_expired_meeting_records_task, send_meeting_record_reminders_task

        # Reminders are due by the working hour; retention by the day.
        register_periodic(send_meeting_record_reminders_task, every=timedelta(minutes=15))
        register_periodic(destroy_expired_meeting_records_task, every=timedelta(hours=24))
        register_panel("records/_dashboard_panel.html", records_due_panel, order=9)
        register_record_panel(
            "live_sessions.session", "records/_session_panel.html", session_record_panel, order=10
        )

        # What it holds about people, for the register of personal information (ORG-7).
        from .processing import declare as declare_processing

        declare_processing()

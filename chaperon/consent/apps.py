from datetime import timedelta

from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "chaperon.consent"
    label = "consent"
    verbose_name = "Consent"

    def ready(self) -> None:
        from chaperon.core.navigation import register_nav, register_record_link
        from chaperon.core.scheduling import register_periodic
        from chaperon.people.roles import Permission

        from .permissions import can
        from .tasks import send_consent_reminders_task

        register_record_link(
            "people.learner",
            "Consent",
            "consent:learner",
            visible=lambda user, _learner: can(user, Permission.VIEW_AND_REQUEST_CONSENT),
        )
        register_nav(
            "consent",
            "Consent",
            "consent:groups",
            order=50,
            visible=lambda user: can(user, Permission.VIEW_AND_REQUEST_CONSENT),
        )
        # Every member of staff answers for themself (REC-4); session findings link here too.
        register_nav(
            "own_recording_consent",
            "My recording consent",
            "consent:staff_mine",
            order=55,
            visible=lambda user: bool(user.is_active and user.roles),
        )

        # Each reminder is at most one every few days; checking hourly sends it on time.
        register_periodic(send_consent_reminders_task, every=timedelta(hours=1))

        # What it holds about people, for the register of personal information (ORG-7).
        from .processing import declare as declare_processing

        declare_processing()

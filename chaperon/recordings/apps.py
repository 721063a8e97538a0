from django.apps import AppConfig


class RecordingsConfig(AppConfig):
    name = "chaperon.recordings"
    label = "recordings"
    verbose_name = "Recordings"

    def ready(self) -> None:
        from chaperon.consent.events import ConsentWithdrawn
        from chaperon.core.events import subscribe
        from chaperon.core.navigation import register_nav

        from .permissions import can_see_destruction_queue
        from .services import destruction_queue_for_withdrawn_consent

        register_nav(
            "recordings",
            "Recordings to destroy",
            "recordings:destruction_queue",
            order=90,
            visible=can_see_destruction_queue,
        )

        subscribe(ConsentWithdrawn, destruction_queue_for_withdrawn_consent)

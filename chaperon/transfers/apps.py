from datetime import timedelta

from django.apps import AppConfig


class TransfersConfig(AppConfig):
    """Sending a learner's child protection file to their new school, and receiving one
    (INC-8, LOG-2): directly between organisations on Chaperon, or as an encrypted package."""

    name = "chaperon.transfers"
    label = "transfers"
    verbose_name = "File transfers"

    def ready(self) -> None:
        from chaperon.core.navigation import register_nav, register_record_link
        from chaperon.core.scheduling import register_periodic

        from .permissions import may_transfer
        from .processing import declare as declare_processing
        from .tasks import remind_unreceived_transfers_task

        register_nav("transfers", "Transfers", "transfers:outgoing", order=96, visible=may_transfer)
        register_record_link(
            "people.learner",
            "Send the child protection file to a new school",
            "transfers:send",
            visible=lambda user, _learner: may_transfer(user),
        )
        # From a concern about a learner: the learner's whole file, never an allegation's.
        register_record_link(
            "concerns.concern",
            "Send this learner's file to a new school",
            "transfers:send_from_concern",
            visible=lambda user, concern: (
                may_transfer(user) and concern.learner_id is not None and not concern.restricted
            ),
        )
        register_periodic(remind_unreceived_transfers_task, every=timedelta(hours=1))
        declare_processing()

from django.apps import AppConfig


class RetentionConfig(AppConfig):
    """The retention schedule (LOG-2, ORG-7): the kinds of record and how long each is kept,
    the organisation's own periods, and the DSL's review of records whose time is over."""

    name = "chaperon.retention"
    label = "retention"
    verbose_name = "Retention"

    def ready(self) -> None:
        from chaperon.core.navigation import register_nav
        from chaperon.core.processing import read_schedule_with

        from .permissions import may_see_schedule
        from .processing import declare as declare_processing
        from .selectors import kept_for

        register_nav(
            "retention", "Retention", "retention:schedule", order=95, visible=may_see_schedule
        )
        # The register of personal information says "kept for" from this schedule.
        read_schedule_with(kept_for)
        declare_processing()

from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "chaperon.families"
    label = "families"
    verbose_name = "Family pages"

    def ready(self) -> None:
        from chaperon.consent.permissions import can
        from chaperon.core.links import register_family_page
        from chaperon.core.navigation import register_record_link
        from chaperon.people.roles import Permission

        from .links import family_url

        # Every email to a parent or carer (consent requests and receipts, invitations)
        # carries their family page link, made here.
        register_family_page(family_url)
        register_record_link(
            "people.learner",
            "Parents' pages",
            "families:learner",
            visible=lambda user, _learner: can(user, Permission.RECORD_CONSENT),
        )

        # What it holds about people, for the register of personal information (ORG-7).
        from .processing import declare as declare_processing

        declare_processing()

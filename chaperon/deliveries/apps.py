from django.apps import AppConfig


class DeliveriesConfig(AppConfig):
    name = "chaperon.deliveries"
    label = "deliveries"
    verbose_name = "Email deliveries"

    def ready(self) -> None:
        from chaperon.core.navigation import register_nav
        from chaperon.core.panels import register_panel

        from .permissions import may_see_deliveries
        from .selectors import dashboard_for

        register_nav("email", "Email", "deliveries:list", order=85, visible=may_see_deliveries)
        register_panel("deliveries/_dashboard_panel.html", dashboard_for, order=6)

        # What it holds about people, for the register of personal information (ORG-7).
        from .processing import declare as declare_processing

        declare_processing()

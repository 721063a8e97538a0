from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "chaperon.governance"
    label = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        from chaperon.core.navigation import register_nav
        from chaperon.core.panels import register_panel

        from .panels import governance_panel
        from .permissions import (
            may_publish_agreements,
            may_read_filtering,
            may_see_personal_information,
            may_see_team,
        )

        register_panel("governance/_dashboard_panel.html", governance_panel, order=7)
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
            "personal_information",
            "Personal information",
            "governance:personal_information",
            order=93,
            visible=may_see_personal_information,
        )

        # What it holds about people, for the register of personal information (ORG-7).
        from .processing import declare as declare_processing

        declare_processing()

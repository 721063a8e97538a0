from django.apps import AppConfig


class TrustsConfig(AppConfig):
    name = "chaperon.trusts"
    label = "trusts"
    verbose_name = "Trusts"

    def ready(self) -> None:
        from chaperon.core.navigation import register_nav
        from chaperon.people.selectors import holds_a_trust_role

        register_nav("trust", "Trust", "trusts:list", order=95, visible=holds_a_trust_role)

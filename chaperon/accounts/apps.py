from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "chaperon.accounts"
    label = "accounts"
    verbose_name = "Sign-in and access"

    def ready(self) -> None:
        from chaperon.core.navigation import register_nav

        register_nav("tokens", "API tokens", "accounts:api_tokens", order=100, visible=bool)

        # What it holds about people, for the register of personal information (ORG-7).
        from .processing import declare as declare_processing

        declare_processing()

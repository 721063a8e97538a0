from django.apps import AppConfig


class PolicyConfig(AppConfig):
    """The organisation's policy (its page and editor), the platform register, the command and
    the API operation; the engine beside them (``engine/``) imports no Django."""

    name = "chaperon.policy"
    label = "policy"
    verbose_name = "Session policy"

    def ready(self) -> None:
        from chaperon.core.navigation import register_nav
        from chaperon.people.permissions import can, register_organisation_choice
        from chaperon.people.roles import Permission

        from .selectors import exception_approvers_of

        register_organisation_choice(Permission.APPROVE_EXCEPTIONS, exception_approvers_of)
        register_nav(
            "policy",
            "Policy",
            "policy:policy",
            order=60,
            visible=lambda user: can(user, Permission.READ_POLICY),
        )

        # What it holds about people, for the register of personal information (ORG-7).
        from .processing import declare as declare_processing

        declare_processing()

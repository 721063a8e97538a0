from django.apps import AppConfig


class PolicyConfig(AppConfig):
    """The command, the API operation and the policy page; the engine beside them imports no
    Django."""

    name = "chaperon.policy"
    label = "policy"
    verbose_name = "Session policy"

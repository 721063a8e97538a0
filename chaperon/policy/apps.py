from django.apps import AppConfig


class PolicyConfig(AppConfig):
    """Only the command line and API live in this Django app; the engine imports no Django."""

    name = "chaperon.policy"
    label = "policy"
    verbose_name = "Session policy"

from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "chaperon.concerns"
    label = "concerns"
    verbose_name = "Concerns and incidents"

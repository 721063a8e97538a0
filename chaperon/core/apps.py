from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "chaperon.core"
    label = "core"

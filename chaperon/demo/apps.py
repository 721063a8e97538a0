from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "chaperon.demo"
    label = "demo"
    verbose_name = "Demo organisation"

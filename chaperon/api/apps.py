from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "chaperon.api"
    label = "api"
    verbose_name = "JSON API"

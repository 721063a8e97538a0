from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "chaperon.consent"
    label = "consent"
    verbose_name = "Consent"

from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "chaperon.backups"
    label = "backups"
    verbose_name = "Backups"

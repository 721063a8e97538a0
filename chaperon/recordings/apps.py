from django.apps import AppConfig


class RecordingsConfig(AppConfig):
    name = "chaperon.recordings"
    label = "recordings"
    verbose_name = "Recordings"

from django.apps import AppConfig


class RoomsConfig(AppConfig):
    name = "chaperon.rooms"
    label = "rooms"
    verbose_name = "Live rooms"

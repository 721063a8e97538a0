from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "chaperon.people"
    label = "people"
    verbose_name = "People and roles"

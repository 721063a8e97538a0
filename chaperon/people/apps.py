from collections.abc import Callable
from datetime import timedelta

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "chaperon.people"
    label = "people"
    verbose_name = "People and roles"

    def ready(self) -> None:
        from chaperon.audit.digest import register_digest_recipients
        from chaperon.core.navigation import register_nav
        from chaperon.core.scheduling import register_periodic

        from .models import User
        from .permissions import can
        from .roles import Permission
        from .selectors import audit_digest_recipients
        from .tasks import import_dropped_rosters_task

        def allowed(permission: Permission) -> Callable[[User], bool]:
            return lambda user: can(user, permission)

        register_nav("dashboard", "Dashboard", "people:dashboard", order=0, visible=bool)
        register_nav(
            "staff", "Staff", "people:staff_list", order=30, visible=allowed(Permission.VIEW_STAFF)
        )
        register_nav(
            "learners",
            "Learners",
            "people:learner_list",
            order=40,
            visible=allowed(Permission.VIEW_LEARNERS),
        )
        register_nav(
            "import",
            "Import",
            "people:import_upload",
            order=70,
            visible=allowed(Permission.IMPORT_PEOPLE),
        )
        register_nav(
            "organisation",
            "Organisation",
            "people:organisation",
            order=80,
            visible=allowed(Permission.VIEW_ORGANISATION),
        )
        register_digest_recipients(audit_digest_recipients)
        register_periodic(import_dropped_rosters_task, every=timedelta(minutes=15))

        # What it holds about people, for the register of personal information (ORG-7).
        from .processing import declare as declare_processing

        declare_processing()

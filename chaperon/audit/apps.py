from datetime import timedelta

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "chaperon.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from chaperon.core.scheduling import register_periodic

        from .digest import digest_key
        from .tasks import send_audit_digest_task

        # Refuse to start without a safe digest signing key (a clear ImproperlyConfigured).
        digest_key()
        # One digest a day (UTC); looking hourly sends it within the hour after midnight.
        register_periodic(send_audit_digest_task, every=timedelta(hours=1))

        # What it holds about people, for the register of personal information (ORG-7).
        from .processing import declare as declare_processing

        declare_processing()

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "chaperon.audit"
    label = "audit"
    verbose_name = "Audit log"

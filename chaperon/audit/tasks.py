from django.tasks import task

from .digest import send_daily_digest


@task()
def send_audit_digest_task() -> int:
    """Email today's signed digest of the audit log, if it has not gone yet."""
    return send_daily_digest()

"""Facts about the task queue that the email and lease code need."""

from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, Task, TaskResultStatus, task_backends


def uses_database_tasks() -> bool:
    """Whether tasks are kept in this database (django-tasks-db, run by ``chaperon
    run_worker``): then a task enqueued inside a transaction commits with it."""
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)


def pending_first_arguments(task: Task) -> set[object]:
    """The first argument of each run of ``task`` waiting in the queue or running (an id)."""
    if not uses_database_tasks():
        return set()
    from django_tasks_db.models import DBTaskResult

    pending = DBTaskResult.objects.filter(
        task_path=task.module_path, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).values_list("args_kwargs", flat=True)
    return {arguments["args"][0] for arguments in pending if arguments.get("args")}

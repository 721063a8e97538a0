"""Re-checking upcoming sessions when a fact they depend on changes. Tasks get ids only."""

from django.tasks import task

from . import services


@task()
def recheck_learner_sessions_task(learner_id: int, why: str) -> int:
    sessions = services.upcoming_sessions(learners__id=learner_id)
    return services.recheck_sessions(sessions, why=why)


@task()
def recheck_staff_sessions_task(user_id: int, why: str) -> int:
    sessions = services.upcoming_sessions(staff__id=user_id)
    return services.recheck_sessions(sessions, why=why)


@task()
def recheck_organisation_sessions_task(organisation_id: int, why: str) -> int:
    sessions = services.upcoming_sessions(organisation_id=organisation_id)
    return services.recheck_sessions(sessions, why=why)


@task()
def recheck_all_upcoming_sessions_task() -> int:
    """Periodic: checks lapse with time (a DBS check or training passing its validity)."""
    sessions = services.upcoming_sessions()
    return services.recheck_sessions(sessions, why="a check they rely on has lapsed")

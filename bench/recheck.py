"""Re-checking upcoming sessions from the database after one consent is withdrawn.

The whole path, as in production: the withdrawal is recorded, its event reaches the sessions
app, which loads each of the learner's upcoming sessions, builds its plan from the records
(consents, staff checks, the learner's other sessions that week), judges it, flags it and
queues the notices to its organiser and the DSL. Runs on a throwaway database of its own.
"""

import logging
import os
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any
from zoneinfo import ZoneInfo

from database import bench_database

LONDON = ZoneInfo("Europe/London")
SESSIONS = 1_000
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "chaperon.settings.test"
    import django
    from django.core.management import call_command

    django.setup()
    logging.getLogger("django.tasks").setLevel(logging.WARNING)
    call_command("migrate", verbosity=0, interactive=False)


def _school() -> tuple[Any, Any, Any]:
    """A fictional school whose policy allows many sessions a week, a teacher, a learner
    with every consent, and the DSL who recorded it."""
    from chaperon.consent.attachments import evidence_file
    from chaperon.consent.services.answers import consent_record_by_staff
    from chaperon.core.actors import SYSTEM
    from chaperon.people import services as people
    from chaperon.policy.selectors import organisation_policy_document, policy_as_yaml
    from chaperon.policy.services import organisation_policy_save

    organisation = people.organisation_create(actor=SYSTEM, name="Bench Park School", slug="bench")
    today = date.today()
    checks = {
        "dbs_checked_on": today - timedelta(days=100),
        "dbs_type": "enhanced_barred",
        "safeguarding_training_on": today - timedelta(days=30),
        "aup_signed_on": today - timedelta(days=30),
    }
    people.staff_create(
        actor=SYSTEM,
        organisation=organisation,
        email="dsl@bench.example",
        full_name="Dee Ess",
        roles=["dsl"],
        password=None,
        **checks,
    )
    teacher = people.staff_create(
        actor=SYSTEM,
        organisation=organisation,
        email="teacher@bench.example",
        full_name="Tee Cher",
        roles=["teacher"],
        password=None,
        **checks,
    ).user
    learner = people.learner_create(
        actor=SYSTEM,
        organisation=organisation,
        first_name="Lee",
        last_name="Arner",
        date_of_birth=date(2011, 3, 4),
    )
    guardian = people.guardian_create(
        actor=SYSTEM, organisation=organisation, full_name="Gee Ardian", email="g@home.example"
    )
    people.guardian_link(
        actor=SYSTEM,
        guardian=guardian,
        learner=learner,
        relationship="mother",
        parental_responsibility=True,
    )
    consent_record_by_staff(
        actor=SYSTEM,
        learner=learner,
        guardian_id=guardian.pk,
        answered_by_name="Gee Ardian",
        channel="paper",
        answers={"live_one_to_one": "given", "parent_information": "given"},
        slots=[{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "08:30", "to": "17:00"}],
        given_on=today,
        attachment=evidence_file(name="form.pdf", content=PDF),
    )
    document = organisation_policy_document(organisation) | {"max_sessions_per_week": 50}
    organisation_policy_save(actor=None, organisation=organisation, text=policy_as_yaml(document))
    organisation.refresh_from_db()
    return organisation, teacher, learner


def _book_directly(organisation: Any, teacher: Any, learner: Any, count: int) -> None:
    """``count`` allowed 1:1 sessions over the coming weeks, about 40 a week, written straight
    to the tables (booking each through the service would send a thousand invitations)."""
    from chaperon.sessions.models import Session, SessionStatus

    starts: list[datetime] = []
    day = date.today() + timedelta(days=1)
    while len(starts) < count:
        if day.weekday() < 5:  # eight a day, forty a week: within the policy's weekly limit
            starts += [
                datetime.combine(day, clock(hour, 0), tzinfo=LONDON) for hour in range(9, 17)
            ]
        day += timedelta(days=1)
    sessions = Session.objects.bulk_create(
        Session(
            organisation=organisation,
            organiser=teacher,
            kind="one_to_one",
            title=f"Check-in {number}",
            start=start,
            duration_minutes=40,
            named_adult="Gee Ardian",
            guardians_may_drop_in=True,
            status=SessionStatus.BOOKED,
            last_verdict={"decision": "allow"},
        )
        for number, start in enumerate(starts[:count])
    )
    Session.staff.through.objects.bulk_create(
        Session.staff.through(session_id=session.pk, user_id=teacher.pk) for session in sessions
    )
    Session.learners.through.objects.bulk_create(
        Session.learners.through(session_id=session.pk, learner_id=learner.pk)
        for session in sessions
    )


def measure(count: int = SESSIONS) -> dict[str, Any]:
    """Seconds from the withdrawal being recorded to every session re-checked and flagged."""
    with bench_database("chaperon_bench_recheck") as where:
        _setup_django()
        from django.db import transaction
        from django.test import override_settings

        from chaperon.consent.services.answers import consent_withdraw
        from chaperon.core.actors import SYSTEM
        from chaperon.sessions.models import Session
        from chaperon.sessions.tasks import recheck_learner_sessions_task

        organisation, teacher, learner = _school()
        _book_directly(organisation, teacher, learner, count)
        # Background work is queued, not run here, as with the worker in production; the
        # re-check the withdrawal triggers is then run as the worker would run it.
        dummy = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
        with override_settings(TASKS=dummy):
            started = time.perf_counter()
            with transaction.atomic():
                consent_withdraw(
                    actor=SYSTEM,
                    learner=learner,
                    purposes=["live_one_to_one"],
                    withdrawn_by_name="Gee Ardian",
                    channel="phone",
                    reason="Moving away",
                )
            rechecked = recheck_learner_sessions_task.call(learner.pk, "consent was withdrawn")
            seconds = time.perf_counter() - started
        flagged = Session.objects.filter(flagged=True).count()
        return {
            "where": where,
            "seconds": seconds,
            "sessions": rechecked,
            "flagged": flagged,
        }

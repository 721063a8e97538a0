"""The live-room benchmark's server and data: a fictional school with one host, one learner
(with a parent and every consent, recording included) per room, each 1:1 booked and prepared
through the services as the product does, and Chaperon's ASGI application served by uvicorn
in a process of its own, as ``chaperon serve`` runs it."""

import os
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
SETTINGS = "chaperon.settings.dev"  # the embedded defaults `chaperon serve` runs with


@dataclass(frozen=True)
class Booked:
    """A 1:1 ready for its room: the host's signed-in browser session, the learner's join
    link token and the session's passcode."""

    session_id: int
    passcode: str
    learner_token: str
    learner_name: str
    named_adult: str
    host_cookie: str
    recording: bool


def configure(directory: Path, port: int) -> dict[str, str]:
    """The environment of both the server and this process (which writes the data and signs
    the host in, so both need the same secret key): everything under ``directory``."""
    values = {
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "CHAPERON_VAR_DIR": str(directory / "var"),
        "VAULT_DIR": str(directory / "vault"),
        "VAULT_KEY_FILE": str(directory / "vault.key"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "ROOM_ICE_ONLY_ADDRESS": "127.0.0.1",  # media stays on loopback
        # The sessions are booked next week, inside the learners' consented hours; the door
        # opens weeks ahead so that they can be held now (its hours are not measured here).
        "ROOM_OPENS_MINUTES_BEFORE": str(3 * 7 * 24 * 60),
        "LOG_LEVEL": "WARNING",
        "DEBUG": "false",
    }
    (directory / "var").mkdir(parents=True, exist_ok=True)
    os.environ.update(values)
    return values


def setup_django() -> str:
    """Set Django up here, migrate the throwaway database, make the vault's key file; return
    the database's description."""
    import logging

    import django
    from django.core.management import call_command

    django.setup()
    logging.getLogger("django.tasks").setLevel(logging.WARNING)
    call_command("migrate", verbosity=0, interactive=False)
    from django.conf import settings
    from django.db import connection

    from chaperon.recordings.keys import write_key_file

    if not Path(settings.VAULT_KEY_FILE).exists():
        write_key_file(Path(settings.VAULT_KEY_FILE))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


def _session_start() -> datetime:
    """Next week's Tuesday at 10:00, London time: inside every learner's consented hours."""
    today = datetime.now(LONDON).date()
    days = (1 - today.weekday()) % 7 + 7
    return datetime.combine(today + timedelta(days=days), clock(10, 0), tzinfo=LONDON)


class School:
    """Linden Quay Academy (fictional), its DSL, and a 1:1 per call to ``book``."""

    def __init__(self) -> None:
        from chaperon.core.actors import SYSTEM
        from chaperon.people import services as people

        self.organisation = people.organisation_create(
            actor=SYSTEM, name="Linden Quay Academy", slug="linden-quay"
        )
        self.dsl = self._staff("dsl", "Dee Marlow", "dsl")
        self.start = _session_start()
        self.count = 0

    def _staff(self, role: str, name: str, email: str) -> Any:
        from chaperon.core.actors import SYSTEM
        from chaperon.people import services as people

        today = date.today()
        return people.staff_create(
            actor=SYSTEM,
            organisation=self.organisation,
            email=f"{email}@linden-quay.example",
            full_name=name,
            roles=[role],
            password=None,
            dbs_checked_on=today - timedelta(days=200),
            dbs_type="enhanced_barred",
            safeguarding_training_on=today - timedelta(days=100),
            aup_signed_on=today - timedelta(days=100),
            job_title="Teacher",
        ).user

    def book(self, *, recording: bool) -> Booked:
        from chaperon.consent.attachments import evidence_file
        from chaperon.consent.services.agreements import staff_recording_consent_answer
        from chaperon.consent.services.answers import consent_record_by_staff
        from chaperon.core.actors import SYSTEM
        from chaperon.people import services as people
        from chaperon.sessions import services as sessions
        from chaperon.sessions.invitations import join_token
        from chaperon.sessions.models import Invitation
        from chaperon.sessions.plans import Proposal

        self.count += 1
        number = self.count
        host = self._staff("teacher", f"Host Teacher {number}", f"host{number}")
        learner = people.learner_create(
            actor=SYSTEM,
            organisation=self.organisation,
            first_name="Kit",
            last_name=f"Learner{number}",
            date_of_birth=date(2011, 3, 4),
        )
        learner.email = f"kit.{number}@pupils.example"
        learner.save(update_fields=["email"])
        parent = people.guardian_create(
            actor=SYSTEM,
            organisation=self.organisation,
            full_name=f"Sam Learner{number}",
            email=f"parent{number}@home.example",
        )
        people.guardian_link(
            actor=SYSTEM,
            guardian=parent,
            learner=learner,
            relationship="mother",
            parental_responsibility=True,
        )
        answers = dict.fromkeys(("live_one_to_one", "parent_information"), "given")
        if recording:
            answers["recording"] = "given"
            staff_recording_consent_answer(actor=host, answer="given")
        consent_record_by_staff(
            actor=self.dsl,
            learner=learner,
            guardian_id=parent.pk,
            answered_by_name=parent.full_name,
            channel="paper",
            answers=answers,
            slots=[{"days": WEEKDAYS, "from": "08:30", "to": "17:00"}],
            given_on=date.today(),
            attachment=evidence_file(name="consent.pdf", content=PDF),
        )
        proposal = Proposal(
            organisation=self.organisation,
            kind="one_to_one",
            start=self.start,
            duration_minutes=40,
            platform="builtin",
            recording_enabled=recording,
            recording_purpose="Reviewing the mentoring" if recording else "",
            recording_alternative="observer" if recording else "",
            recording_need="The learner asked to watch it back." if recording else "",
            staff=[host],
            learners=[learner],
            named_adult=parent.full_name,
            guardians_may_drop_in=True,
            taking_part="video",
            conversation_plan="Reading practice and next steps.",
            crisis_plan="Call the DSL at once; the named adult stays near.",
        )
        result = sessions.session_book(actor=host, proposal=proposal, title=f"Mentoring {number}")
        if result.session is None or not result.booked:
            raise RuntimeError(f"the policy refused the bench's session: {result.verdict}")
        session = result.session
        sessions.session_prepare(
            actor=host,
            session=session,
            risk_assessment="Known to the service; no current concerns.",
            conversation_plan="Options after year 11.",
            crisis_plan="Call the DSL on the school line; 999 in danger.",
        )
        invitation = Invitation.objects.get(
            session=session, role=Invitation.Role.LEARNER, person_id=learner.pk
        )
        from chaperon.rooms.services import room_pre_call_check
        from chaperon.sessions.attendance import PreCallResults

        room_pre_call_check(  # SES-14: the host checked their setting before coming in
            actor=host,
            session_id=session.pk,
            results=PreCallResults(
                camera=True,
                microphone=True,
                signalling=True,
                relay="not_configured",
                not_bedroom=True,
                background_appropriate=True,
                applications_closed=True,
            ),
        )
        return Booked(
            session_id=session.pk,
            passcode=session.passcode,
            learner_token=join_token(invitation),
            learner_name=invitation.display_name,
            named_adult=parent.full_name,
            host_cookie=_signed_in(host),
            recording=recording,
        )


def _signed_in(user: Any) -> str:
    """A browser session for ``user``, signed in with the second factor given."""
    from django.test import Client

    from chaperon.accounts.session import SECOND_FACTOR_KEY

    client = Client()
    client.force_login(user, backend="chaperon.accounts.backends.EmailBackend")
    session = client.session
    session[SECOND_FACTOR_KEY] = True
    session.save()
    key = session.session_key
    if key is None:
        raise RuntimeError("no session key")
    return key


def server_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the server process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")

"""Helpers for the consent tests: sending requests as staff do, reading links out of email,
the answer form as a browser fills it, and moving the clock."""

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.message import EmailMessage
from unittest.mock import patch

from django.utils import timezone

from chaperon.audit.models import AuditEvent
from chaperon.consent import links, services
from chaperon.consent.models import ConsentRequest, Purpose
from chaperon.people.models import Learner, User
from tests.mail_support import text_of

ALL_PURPOSES = list(Purpose.values)
_LINK = re.compile(r"https?://\S+?/consent/([rm])/([^/\s]+)/")


def send_request(
    actor: User,
    learner: Learner,
    purposes: Sequence[str] = ALL_PURPOSES,
    **options: object,
) -> ConsentRequest:
    """One request to the learner's one guardian (or to the adult learner)."""
    [consent_request] = services.consent_request_send(
        actor=actor,
        learner=learner,
        purposes=purposes,
        **options,  # type: ignore[arg-type]
    )
    return consent_request


def body(message: EmailMessage) -> str:
    """The plain text of an email, with its lines ending as Python's do."""
    return text_of(message).replace("\r\n", "\n")


def links_in(message: EmailMessage | str) -> dict[str, str]:
    """The personal links of an email: ``{"answer": path, "manage": path}`` (paths only)."""
    text = message if isinstance(message, str) else body(message)
    found = {}
    for match in _LINK.finditer(text):
        kind = "answer" if match.group(1) == "r" else "manage"
        found[kind] = f"/consent/{match.group(1)}/{match.group(2)}/"
    return found


def answer_token(consent_request: ConsentRequest) -> str:
    return links.request_token(consent_request)


def manage_token(consent_request: ConsentRequest) -> str:
    return links.access_token(consent_request.access)


def form_data(
    answers: Mapping[str, str],
    *,
    name: str = "Morgan Alder",
    slot: tuple[Sequence[str], str, str] | None = (("tue", "thu"), "16:00", "17:00"),
    expected_latest: int | None = None,
) -> dict[str, object]:
    """The answer page's form, filled in."""
    data: dict[str, object] = dict(answers)
    data["signed_name"] = name
    if slot is not None:
        days, start, end = slot
        data.update({"slot1_days": list(days), "slot1_from": start, "slot1_to": end})
    if expected_latest is not None:
        data["expected_latest"] = expected_latest
    return data


def agree_to_all_but(*declined: str) -> dict[str, str]:
    return {p: ("declined" if p in declined else "given") for p in ALL_PURPOSES}


@contextmanager
def clock_moved(by: timedelta) -> Iterator[datetime]:
    """Run the block as if ``by`` had passed."""
    moment = timezone.now() + by
    with patch("django.utils.timezone.now", return_value=moment):
        yield moment


def audit_since(seq: int, *actions: str) -> list[AuditEvent]:
    events = AuditEvent.objects.filter(id__gt=seq)
    if actions:
        events = events.filter(action__in=actions)
    return list(events.order_by("id"))


def last_seq() -> int:
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    return last or 0

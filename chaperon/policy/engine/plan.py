"""The plan: every fact about a planned session that the policy needs (plan format version 1).

``parse_plan`` validates the JSON-shaped data and builds the frozen dataclasses of ``facts.py``;
``plan_from_json`` does the same from JSON text. Each refusal names the field, such as
``session.start: not an ISO 8601 date-time with offset``.

A fact that is not known is ``None`` (JSON ``null``, or the key left out), and the rules treat
it as not met: the policy fails closed. A key the format does not know is refused, so that a
mistyped fact is never silently unknown.
"""

import contextlib
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from chaperon.core.pure.json_input import JsonInputError, load_json

from . import reading
from .catalogue import RULE_IDS
from .errors import InvalidPlan
from .facts import (
    Consent,
    ConsentStatus,
    ExceptionApproval,
    Kind,
    Learner,
    OtherAdult,
    ParentInformation,
    Plan,
    Recording,
    RoomSettings,
    Session,
    Slot,
    Staff,
    Stage,
)

PLAN_VERSION = 1


# Parsing --------------------------------------------------------------------------------------

_SESSION_FIELDS = (
    "kind",
    "stage",
    "start",
    "duration_minutes",
    "platform",
    "account",
    "settings",
    "recording",
    "risk_assessment_done",
    "exception",
)
_SETTINGS_FIELDS = tuple(RoomSettings.__dataclass_fields__)
_STAFF_FIELDS = tuple(Staff.__dataclass_fields__)
_LEARNER_FIELDS = tuple(Learner.__dataclass_fields__)
_CONSENT_FIELDS = tuple(Consent.__dataclass_fields__)
_EXCEPTION_FIELDS = ("approved_by_role", "approved_by", "reason", "covers")
_MAX_DURATION = 24 * 60


def plan_from_json(source: str | bytes) -> Plan:
    """A plan from JSON text. Raises ``InvalidPlan``."""
    try:
        data = load_json(source, refuse_repeated_keys=True)
    except JsonInputError as error:
        raise InvalidPlan(error.field or "plan", error.problem) from None
    return parse_plan(data)


def parse_plan(data: object) -> Plan:
    """A plan from JSON-shaped data (dicts, lists, strings, numbers, booleans, None).
    Raises ``InvalidPlan`` naming the field."""
    values = reading.mapping(
        data,
        "",
        fields=("version", "session", "staff", "learners", "other_adults"),
        required=("session", "staff", "learners"),
        error=InvalidPlan,
        document="plan",
    )
    version = values.get("version", PLAN_VERSION)
    if type(version) is not int or version != PLAN_VERSION:
        raise InvalidPlan("version", f"must be {PLAN_VERSION}, the plan format this reads")
    session = _session(values["session"])
    staff = _items(values["staff"], "staff", _staff, "staff members")
    learners = _items(values["learners"], "learners", _learner, "learners")
    _refuse_repeated_ids([member.id for member in staff], "staff")
    _refuse_repeated_ids([one.id for one in learners], "learners")
    return Plan(
        session=session,
        staff=staff,
        learners=learners,
        other_adults=_items(
            _unless_null(values.get("other_adults"), []), "other_adults", _adult, "adults"
        ),
    )


def _items[T](value: object, path: str, read: Callable[[Any, str], T], what: str) -> tuple[T, ...]:
    items = reading.sequence(value, path, error=InvalidPlan, what=what)
    return tuple(read(item, reading.join(path, index)) for index, item in enumerate(items))


def _refuse_repeated_ids(ids: list[str], path: str) -> None:
    seen: set[str] = set()
    for index, one in enumerate(ids):
        if one in seen:
            raise InvalidPlan(f"{reading.join(path, index)}.id", f"{one} is given twice")
        seen.add(one)


def _unless_null(value: object, default: object) -> object:
    return default if value is None else value


def _choice[E: StrEnum](value: object, path: str, choices: type[E]) -> E:
    if isinstance(value, str) and value in choices:
        return choices(value)
    raise InvalidPlan(path, f"must be one of {', '.join(choices)}")


def _date_time(value: object, path: str) -> datetime:
    moment = None
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            moment = datetime.fromisoformat(value)
    if moment is None or moment.utcoffset() is None:
        raise InvalidPlan(path, "not an ISO 8601 date-time with offset")
    return moment.astimezone(UTC)


def _session(value: object) -> Session:
    values = reading.mapping(
        value,
        "session",
        fields=_SESSION_FIELDS,
        required=("kind", "start", "duration_minutes"),
        error=InvalidPlan,
    )
    return Session(
        kind=_choice(values["kind"], "session.kind", Kind),
        stage=_choice(values.get("stage", "book"), "session.stage", Stage),
        start=_date_time(values["start"], "session.start"),
        duration_minutes=reading.whole_number(
            values["duration_minutes"],
            "session.duration_minutes",
            1,
            _MAX_DURATION,
            error=InvalidPlan,
            unit="minutes",
        ),
        platform=reading.optional_text(
            values.get("platform"), "session.platform", error=InvalidPlan
        ),
        account=reading.optional_text(values.get("account"), "session.account", error=InvalidPlan),
        settings=_settings(_unless_null(values.get("settings"), {})),
        recording=_recording(values.get("recording")),
        risk_assessment_done=reading.flag(
            values.get("risk_assessment_done"), "session.risk_assessment_done", error=InvalidPlan
        ),
        exception=_exception(values.get("exception")),
    )


def _settings(value: object) -> RoomSettings:
    path = "session.settings"
    values = reading.mapping(value, path, fields=_SETTINGS_FIELDS, error=InvalidPlan)
    return RoomSettings(
        **{
            name: reading.flag(values.get(name), reading.join(path, name), error=InvalidPlan)
            for name in _SETTINGS_FIELDS
        }
    )


def _recording(value: object) -> Recording:
    """No ``recording`` (or ``null``) means the session is not recorded."""
    if value is None:
        return Recording()
    path = "session.recording"
    values = reading.mapping(
        value, path, fields=("enabled", "purpose"), required=("enabled",), error=InvalidPlan
    )
    enabled = values["enabled"]
    if not isinstance(enabled, bool):
        raise InvalidPlan(f"{path}.enabled", "must be true or false")
    purpose = reading.optional_text(values.get("purpose"), f"{path}.purpose", error=InvalidPlan)
    return Recording(enabled=enabled, purpose=purpose)


def _exception(value: object) -> ExceptionApproval | None:
    if value is None:
        return None
    path = "session.exception"
    values = reading.mapping(
        value, path, fields=_EXCEPTION_FIELDS, required=_EXCEPTION_FIELDS, error=InvalidPlan
    )
    texts = {
        name: reading.optional_text(values[name], f"{path}.{name}", error=InvalidPlan) or ""
        for name in ("approved_by_role", "approved_by", "reason")
    }
    covers = reading.sequence(
        values["covers"], f"{path}.covers", error=InvalidPlan, what="rule identifiers"
    )
    for index, rule in enumerate(covers):
        if rule not in RULE_IDS:
            raise InvalidPlan(
                reading.join(f"{path}.covers", index),
                f"{json.dumps(rule)} is not a rule identifier (such as duration.max)",
            )
    return ExceptionApproval(covers=frozenset(covers), **texts)


def _staff(value: object, path: str) -> Staff:
    values = reading.mapping(value, path, fields=_STAFF_FIELDS, required=("id",), error=InvalidPlan)
    dates = {
        name: reading.optional_date(values.get(name), reading.join(path, name), error=InvalidPlan)
        for name in ("dbs_checked_on", "safeguarding_training_on", "aup_signed_on")
    }
    return Staff(
        id=_id(values["id"], path),
        recording_consent=reading.flag(
            values.get("recording_consent"), f"{path}.recording_consent", error=InvalidPlan
        ),
        suspended=reading.flag(values.get("suspended"), f"{path}.suspended", error=InvalidPlan),
        **dates,
    )


def _id(value: object, path: str) -> str:
    return reading.text(value, f"{path}.id", error=InvalidPlan, what="an id as text")


def _learner(value: object, path: str) -> Learner:
    values = reading.mapping(
        value, path, fields=_LEARNER_FIELDS, required=("id",), error=InvalidPlan
    )

    def known(name: str) -> bool | None:
        return reading.flag(values.get(name), f"{path}.{name}", error=InvalidPlan)

    others = values.get("other_sessions_starts")
    return Learner(
        id=_id(values["id"], path),
        date_of_birth=reading.optional_date(
            values.get("date_of_birth"), f"{path}.date_of_birth", error=InvalidPlan
        ),
        adult_at_risk=known("adult_at_risk"),
        consent=_consent(_unless_null(values.get("consent"), {}), f"{path}.consent"),
        agreed_slots=_items(
            _unless_null(values.get("agreed_slots"), []), f"{path}.agreed_slots", _slot, "slots"
        ),
        other_sessions_starts=None
        if others is None
        else _items(others, f"{path}.other_sessions_starts", _date_time, "date-times"),
        adult_present=known("adult_present"),
        comfortable_being_recorded=known("comfortable_being_recorded"),
    )


def _consent(value: object, path: str) -> Consent:
    """An absent key, or ``null``, means missing."""
    values: Mapping[str, Any] = reading.mapping(
        value, path, fields=_CONSENT_FIELDS, error=InvalidPlan
    )
    return Consent(
        participation=_status(values, "participation", path, ConsentStatus),
        recording=_status(values, "recording", path, ConsentStatus),
        parent_information=_status(values, "parent_information", path, ParentInformation),
    )


def _status[E: StrEnum](values: Mapping[str, Any], name: str, path: str, choices: type[E]) -> E:
    return _choice(_unless_null(values.get(name), choices("missing")), f"{path}.{name}", choices)


def _slot(value: object, path: str) -> Slot:
    values = reading.mapping(
        value,
        path,
        fields=("days", "from", "to"),
        required=("days", "from", "to"),
        error=InvalidPlan,
    )
    start = reading.time_of_day(values["from"], f"{path}.from", error=InvalidPlan)
    end = reading.time_of_day(values["to"], f"{path}.to", error=InvalidPlan)
    if end <= start:
        raise InvalidPlan(f"{path}.to", "must be later than from")
    days = reading.weekdays(values["days"], f"{path}.days", error=InvalidPlan)
    return Slot(days=frozenset(days), start=start, end=end)


def _adult(value: object, path: str) -> OtherAdult:
    values = reading.mapping(value, path, fields=("role",), required=("role",), error=InvalidPlan)
    return OtherAdult(role=reading.text(values["role"], f"{path}.role", error=InvalidPlan))

"""The policy document: an organisation's session policy as a versioned YAML file.

``policy_from_yaml`` reads and validates the text; every refusal names the field. ``load_policy``
reads a file and ``default_policy`` the one shipped with Chaperon (``default.yaml``). The
``Policy`` itself holds the values ready for the engine: the time zone as a ``ZoneInfo``, days
as weekday numbers, times of day as ``time``.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from . import reading
from .errors import InvalidPolicy

# Who may approve an exception: senior roles only (a "named senior leader", DESIGN), by the
# values the people app stores for them.
APPROVER_ROLES = ("slt", "dsl", "deputy_dsl")
FIELDS = (
    "name",
    "version",
    "time_zone",
    "working_days",
    "working_hours_start",
    "working_hours_end",
    "max_duration_minutes",
    "max_sessions_per_week",
    "dbs_valid_years",
    "training_valid_years",
    "aup_valid_years",
    "approved_platforms",
    "exception_approvers",
)
# Fields a policy may leave out, with the value it then has.
OPTIONAL_FIELDS = {"host_extension_minutes": 0}
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_PLATFORM = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    version: int
    time_zone: str  # an IANA name, such as Europe/London
    working_days: tuple[int, ...]  # date.weekday() numbers: 0 is Monday
    working_hours_start: time
    working_hours_end: time  # a session ending exactly then is inside
    max_duration_minutes: int
    max_sessions_per_week: int  # per learner, per calendar week (Monday to Sunday)
    dbs_valid_years: int
    training_valid_years: int
    aup_valid_years: int
    approved_platforms: tuple[str, ...]
    exception_approvers: tuple[str, ...]  # role values, see APPROVER_ROLES
    # SES-3: minutes in all that the host of a live session may add, with a reason, without
    # waiting for an approver (who is told at once); 0: every extension waits for one.
    host_extension_minutes: int = 0
    # Derived once, so that judging a plan does no lookups.
    zone: ZoneInfo = field(init=False, repr=False, compare=False)
    working_day_set: frozenset[int] = field(init=False, repr=False, compare=False)
    approved_platform_set: frozenset[str] = field(init=False, repr=False, compare=False)
    approver_set: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "zone", ZoneInfo(self.time_zone))
        object.__setattr__(self, "working_day_set", frozenset(self.working_days))
        object.__setattr__(self, "approved_platform_set", frozenset(self.approved_platforms))
        object.__setattr__(self, "approver_set", frozenset(self.exception_approvers))

    @property
    def label(self) -> str:
        """``name@version``, as verdicts name the policy that judged them."""
        return f"{self.name}@{self.version}"


def parse_policy(data: object) -> Policy:
    """A policy from the mapping a YAML document loads as. Raises ``InvalidPolicy``."""
    values = reading.mapping(
        data,
        "",
        fields=(*FIELDS, *OPTIONAL_FIELDS),
        error=InvalidPolicy,
        what="a YAML mapping of fields (name: ..., version: ..., ...)",
        document="policy",
    )
    for name in FIELDS:
        if name not in values:
            raise InvalidPolicy(name, "missing; every field of the policy must be given")
    start = _time(values, "working_hours_start")
    end = _time(values, "working_hours_end")
    if end <= start:
        raise InvalidPolicy("working_hours_end", "must be later than working_hours_start")
    return Policy(
        name=_name(values["name"]),
        version=_whole(values, "version", 1, 1_000_000),
        time_zone=_time_zone(values["time_zone"]),
        working_days=reading.weekdays(values["working_days"], "working_days", error=InvalidPolicy),
        working_hours_start=start,
        working_hours_end=end,
        max_duration_minutes=_whole(values, "max_duration_minutes", 1, 480, unit="minutes"),
        max_sessions_per_week=_whole(values, "max_sessions_per_week", 1, 50, unit="sessions"),
        dbs_valid_years=_whole(values, "dbs_valid_years", 1, 10, unit="years"),
        training_valid_years=_whole(values, "training_valid_years", 1, 10, unit="years"),
        aup_valid_years=_whole(values, "aup_valid_years", 1, 10, unit="years"),
        approved_platforms=_platforms(values["approved_platforms"]),
        exception_approvers=_approvers(values["exception_approvers"]),
        host_extension_minutes=_whole(
            {**OPTIONAL_FIELDS, **values}, "host_extension_minutes", 0, 60, unit="minutes"
        ),
    )


def _whole(values: Mapping[str, Any], name: str, low: int, high: int, unit: str = "") -> int:
    return reading.whole_number(values[name], name, low, high, error=InvalidPolicy, unit=unit)


def _time(values: Mapping[str, Any], name: str) -> time:
    return reading.time_of_day(values[name], name, error=InvalidPolicy)


def _name(value: object) -> str:
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise InvalidPolicy(
            "name",
            "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit",
        )
    return value


def _time_zone(value: object) -> str:
    if isinstance(value, str) and value:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            pass
        else:
            return value
    raise InvalidPolicy("time_zone", "not a known time zone; use a name such as Europe/London")


def _platforms(value: object) -> tuple[str, ...]:
    names = reading.sequence(value, "approved_platforms", error=InvalidPolicy, what="platforms")
    if not names:
        raise InvalidPolicy("approved_platforms", "must list at least one platform")
    for index, name in enumerate(names):
        path = reading.join("approved_platforms", index)
        if not isinstance(name, str) or not _PLATFORM.fullmatch(name):
            raise InvalidPolicy(
                path, "must be a platform name of lower-case letters, digits, '.', '_' or '-'"
            )
        if names.index(name) != index:
            raise InvalidPolicy(path, f"{name} is listed twice")
    return tuple(names)


def _approvers(value: object) -> tuple[str, ...]:
    roles = reading.sequence(value, "exception_approvers", error=InvalidPolicy, what="roles")
    for index, role in enumerate(roles):
        path = reading.join("exception_approvers", index)
        if role not in APPROVER_ROLES:
            raise InvalidPolicy(
                path,
                f"{role!r} may not approve exceptions; choose from {', '.join(APPROVER_ROLES)}",
            )
        if roles.index(role) != index:
            raise InvalidPolicy(path, f"{role} is listed twice")
    return tuple(roles)


# YAML -----------------------------------------------------------------------------------------


class _PolicyLoader(yaml.SafeLoader):
    """PyYAML's safe loader (plain data only), with two traps of YAML 1.1 removed: only plain
    decimal numerals are numbers (so ``17:00`` stays the time it looks like rather than the
    base-60 number 1020, and dates stay text), and a field given twice is refused rather than
    the last one silently winning."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, str | int) and key in seen:
                raise _GivenTwice(str(key))
            seen.add(key if isinstance(key, str | int) else id(key_node))
        return super().construct_mapping(node, deep=deep)


class _GivenTwice(Exception):
    pass


_NOT_NUMBERS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"}
_PolicyLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag not in _NOT_NUMBERS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_PolicyLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)


def read_yaml(source: str) -> object:
    """The data of a policy's YAML text, not yet validated (``parse_policy`` does that), read
    as policies are: only plain data, times left as text, no field given twice. Raises
    ``InvalidPolicy``."""
    try:
        return yaml.load(source, Loader=_PolicyLoader)  # noqa: S506 (a SafeLoader)
    except _GivenTwice as twice:
        raise InvalidPolicy(str(twice), "given twice; keep one") from None
    except yaml.YAMLError as error:
        raise InvalidPolicy("policy", f"not valid YAML: {_where(error)}") from None
    except RecursionError:
        # The parser follows nesting by recursion: a document thousands of levels deep is
        # no policy, and must not end in a traceback.
        raise InvalidPolicy(
            "policy", "nested too deeply to be a policy; send a flatter document"
        ) from None


def policy_from_yaml(source: str) -> Policy:
    """A policy from the text of a YAML document. Raises ``InvalidPolicy``."""
    return parse_policy(read_yaml(source))


def _where(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    mark = getattr(error, "problem_mark", None)
    if mark is None:
        return str(problem)
    return f"{problem} at line {mark.line + 1}, column {mark.column + 1}"


def load_policy(path: str | Path) -> Policy:
    """The policy in the YAML file at ``path``. Raises ``InvalidPolicy``, also when the file
    cannot be read."""
    try:
        source = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidPolicy("policy", f"cannot read {path}: {_reason(error)}") from None
    return policy_from_yaml(source)


def _reason(error: OSError | UnicodeDecodeError) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "not UTF-8 text"
    return error.strerror or str(error)


DEFAULT_POLICY_SOURCE = "default.yaml"


@cache
def default_policy() -> Policy:
    """The policy shipped with Chaperon: the values of the session policy as written."""
    source = files(__package__).joinpath(DEFAULT_POLICY_SOURCE).read_text(encoding="utf-8")
    return policy_from_yaml(source)

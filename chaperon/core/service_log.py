"""One structured log line for every service that refuses or fails.

Every public service is decorated with ``@logged``. When it refuses (raises a ``ChaperonError``:
no permission, nothing visible, invalid input; or another error marked as a refusal) it logs one
``INFO`` line on its app's logger, ``chaperon.<app>``; when it fails (any other exception) one
``ERROR`` line; and the exception goes on to the caller as before. A service that calls another
logs once, as the outer one: the service the page, task or command asked for.

A line carries no personal data: the service's name, the error's class, the names (never the
values) of refused fields, and the ids of the objects the service was given, for example

    refused service=session_book error=ValidationFailed fields=start actor=12 learner=31

Strings are never logged (they may be names, addresses or what someone wrote); model instances
are logged as their primary key, enums as their value, numbers and booleans as they are.
"""

import enum
import functools
import logging
import re
import uuid
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any

from django.db import models

from .exceptions import ChaperonError, ValidationFailed

_depth: ContextVar[int] = ContextVar("chaperon_service_depth", default=0)
SERVICE_MARK = "__chaperon_service__"
_CODE = re.compile(r"[a-z][a-z_]{0,39}")


def is_refusal(error: BaseException) -> bool:
    """A refusal the person can act on (``ChaperonError``, or an error class that says it is
    one with ``refusal = True``), as against a failure."""
    return isinstance(error, ChaperonError) or getattr(error, "refusal", False) is True


def app_logger(module: str) -> logging.Logger:
    """The logger of the app ``module`` belongs to: ``chaperon.<app>``."""
    parts = module.split(".")
    return logging.getLogger(".".join(parts[:2]) if parts[0] == "chaperon" else module)


def loggable(value: object) -> str | None:
    """``value`` as it may appear in a log line, or None when it may not appear at all."""
    if isinstance(value, models.Model):
        return None if value.pk is None else str(value.pk)
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, bool | int | uuid.UUID):
        return str(value)
    identity = getattr(value, "log_identity", None)  # the explicit system and public actors
    if isinstance(identity, str):
        return identity
    return None


def log_line(event: str, service: str, error: BaseException, given: Mapping[str, Any]) -> str:
    parts = [event, f"service={service}", f"error={type(error).__name__}"]
    code = getattr(error, "code", None)
    if isinstance(code, str) and _CODE.fullmatch(code):
        parts.append(f"code={code}")
    if isinstance(error, ValidationFailed):
        parts.append("fields=" + ",".join(sorted(error.errors)))
    for name, value in given.items():
        shown = loggable(value)
        if shown is not None:
            parts.append(f"{name}={shown}")
    return " ".join(parts)


def logged[**P, R](service: Callable[P, R]) -> Callable[P, R]:
    """Log ``service``'s refusals and failures as one line each on its app's logger."""
    logger = app_logger(service.__module__)
    name = service.__name__

    @functools.wraps(service)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        outermost = _depth.get() == 0
        depth = _depth.set(_depth.get() + 1)
        try:
            return service(*args, **kwargs)
        except Exception as error:
            if outermost:
                refused = is_refusal(error)
                logger.log(
                    logging.INFO if refused else logging.ERROR,
                    "%s",
                    log_line("refused" if refused else "failed", name, error, kwargs),
                )
            raise
        finally:
            _depth.reset(depth)

    setattr(wrapper, SERVICE_MARK, True)
    return wrapper

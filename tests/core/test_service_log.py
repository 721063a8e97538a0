"""Every service that refuses or fails logs one line on its app's logger, with ids and never
what a person wrote or who they are (docs/logging.md)."""

import importlib
import inspect
import logging
import pkgutil
from types import ModuleType

import pytest
from django.apps import apps

import chaperon
from chaperon.concerns import services as concern_services
from chaperon.concerns.models import Concern
from chaperon.core.actors import PUBLIC, SYSTEM
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.core.service_log import SERVICE_MARK, logged
from tests.concerns.helpers import public_concern
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def _lines(caplog: pytest.LogCaptureFixture, logger: str) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == logger]


def test_a_refused_service_logs_one_line_with_ids_and_no_words(
    cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="chaperon.concerns")
    with pytest.raises(PermissionDenied):
        concern_services.concern_raise(
            actor=cast.outsider,
            organisation=cast.organisation,
            description="Worried about Robin Alder after the call",
            reporter_name="Olly Outwood",
        )
    assert not Concern.objects.exists()
    [line] = _lines(caplog, "chaperon.concerns")
    assert line.levelno == logging.INFO
    assert line.getMessage() == (
        f"refused service=concern_raise error=PermissionDenied "
        f"actor={cast.outsider.pk} organisation={cast.organisation.pk}"
    )


def test_refused_fields_are_named_and_their_values_are_not(
    cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="chaperon.concerns")
    with pytest.raises(ValidationFailed):
        public_concern(cast.organisation, description="help", category="nonsense")
    assert not Concern.objects.exists()
    [line] = _lines(caplog, "chaperon.concerns")
    message = line.getMessage()
    assert "fields=category,description" in message
    assert "help" not in message and "nonsense" not in message


@logged
def _inner(*, number: int) -> None:
    raise PermissionDenied("no")


@logged
def _outer(*, number: int) -> None:
    _inner(number=number)


@logged
def _refuse(*, actor: object) -> None:
    raise PermissionDenied("no")


@logged
def _broken(*, number: int, note: str) -> None:
    raise RuntimeError(note)


def test_a_refusal_through_two_services_is_logged_once_by_the_outer_one(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger=__name__)
    with pytest.raises(PermissionDenied):
        _outer(number=7)
    assert [record.getMessage() for record in _lines(caplog, __name__)] == [
        "refused service=_outer error=PermissionDenied number=7"
    ]
    with pytest.raises(PermissionDenied):
        _inner(number=8)
    assert _lines(caplog, __name__)[-1].getMessage() == (
        "refused service=_inner error=PermissionDenied number=8"
    )


def test_the_system_and_the_public_are_named_as_such(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=__name__)
    for actor in (SYSTEM, PUBLIC):
        with pytest.raises(PermissionDenied):
            _refuse(actor=actor)
    assert [record.getMessage() for record in _lines(caplog, __name__)] == [
        "refused service=_refuse error=PermissionDenied actor=system",
        "refused service=_refuse error=PermissionDenied actor=public",
    ]


def test_a_failure_is_logged_as_an_error_and_raised_unchanged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger=__name__)
    with pytest.raises(RuntimeError, match="Jo Bloggs rang"):
        _broken(number=3, note="Jo Bloggs rang")
    [line] = _lines(caplog, __name__)
    assert line.levelno == logging.ERROR
    assert line.getMessage() == "failed service=_broken error=RuntimeError number=3"


def _service_packages() -> list[ModuleType]:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith(chaperon.__name__ + "."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.services")
        except ModuleNotFoundError:
            continue
        found.append(module)
    return found


def test_every_service_an_app_offers_is_logged() -> None:
    packages = _service_packages()
    assert {package.__name__ for package in packages} >= {
        "chaperon.concerns.services",
        "chaperon.consent.services",
        "chaperon.rooms.services",
    }
    unlogged = []
    for package in packages:
        for module_info in pkgutil.iter_modules(getattr(package, "__path__", [])):
            importlib.import_module(f"{package.__name__}.{module_info.name}")
        for name, value in vars(package).items():
            if name.startswith("_"):
                continue
            offered = inspect.isfunction(value) and value.__module__.startswith(package.__name__)
            if offered and not getattr(value, SERVICE_MARK, False):
                unlogged.append(f"{package.__name__}.{name}")
    assert unlogged == []

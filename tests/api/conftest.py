"""Calling the API as each member of the standing cast, with a token made the way the product
makes one, and reading what changed."""

import json
from typing import Any

from django.db.models import Model
from django.test import Client

from chaperon.accounts.services import api_token_create, api_token_revoke
from chaperon.audit.models import AuditEvent
from chaperon.people.models import (
    Guardian,
    GuardianRelationship,
    Learner,
    Organisation,
    Site,
    StaffMember,
    StaffRole,
    User,
)
from tests.conftest import Cast

STAFF_ROLES = ["dsl", "deputy", "slt", "teacher", "teacher2", "ict", "board", "admin"]
NOBODY = ["anonymous", "bad_token", "revoked_token"]
CALLERS = [*NOBODY, *STAFF_ROLES, "outsider"]

COMPLIANCE_KEYS = {
    "dbs_checked_on",
    "dbs_type",
    "safeguarding_training_on",
    "aup_signed_on",
    "compliance",
}


class Api:
    """A test client that sends a bearer token and JSON bodies."""

    def __init__(self, secret: str | None = None) -> None:
        headers = {"Authorization": f"Bearer {secret}"} if secret else {}
        self.client = Client(headers=headers)

    def call(self, method: str, path: str, body: Any = None) -> Any:
        if body is None:
            return self.client.generic(method.upper(), path)
        return self.client.generic(
            method.upper(), path, json.dumps(body), content_type="application/json"
        )

    def get(self, path: str) -> Any:
        return self.call("get", path)

    def post(self, path: str, body: Any) -> Any:
        return self.call("post", path, body)

    def patch(self, path: str, body: Any) -> Any:
        return self.call("patch", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self.call("put", path, body)


def api_as(user: User) -> Api:
    _token, secret = api_token_create(actor=user, name="Timetable sync")
    return Api(secret)


def caller(cast: Cast, name: str) -> tuple[Api, User | None]:
    """A client for one of ``CALLERS`` and the user it acts as (None for nobody)."""
    if name == "anonymous":
        return Api(), None
    if name == "bad_token":
        return Api("chp_0badc0de_this-token-was-never-issued"), None
    if name == "revoked_token":
        token, secret = api_token_create(actor=cast.dsl, name="Old integration")
        api_token_revoke(actor=cast.dsl, token_id=token.pk)
        return Api(secret), None
    user = cast.user(name)
    return api_as(user), user


def last_seq() -> int:
    event = AuditEvent.objects.order_by("-id").first()
    return event.id if event else 0


def events_since(seq: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(id__gt=seq).order_by("id"))


PEOPLE_MODELS: tuple[type[Model], ...] = (
    Organisation,
    Site,
    User,
    StaffMember,
    StaffRole,
    Learner,
    Guardian,
    GuardianRelationship,
)


def people_state() -> dict[str, list[dict[str, Any]]]:
    """Every people record, field by field: equal before and after means nothing changed."""
    return {
        model.__name__: list(model._default_manager.order_by("pk").values())
        for model in PEOPLE_MODELS
    }

"""Typed domain events: a lower app tells higher apps that something happened.

A publisher calls ``publish(event)`` inside its service; subscribers run after the
surrounding transaction commits, so they never act on a change that was rolled back.
Each subscriber is registered explicitly in its app's ``ready()`` with ``subscribe``,
so grepping an event's class name finds every reaction to it.
"""

from collections import defaultdict
from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import transaction

type Handler = Callable[[Any], None]

_subscribers: defaultdict[type, list[Handler]] = defaultdict(list)


def subscribe(event_type: type, handler: Handler) -> None:
    if handler not in _subscribers[event_type]:
        _subscribers[event_type].append(handler)


def publish(event: object) -> None:
    for handler in list(_subscribers[type(event)]):
        transaction.on_commit(partial(handler, event), robust=False)

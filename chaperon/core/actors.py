"""Who acts when it is not a signed-in person: Chaperon itself (``SYSTEM``: a command run on
the server, a task, the clock) or someone not signed in (``PUBLIC``: a parent, carer or learner
on a public page or with a personal link). Services take one of them explicitly, never ``None``,
so that the two cannot be mistaken for each other.

Core sits below the app that defines users, so here a person is anything with a primary key
and a user name (``Person``: what the audit log needs of one). Services name exactly who they
accept: ``User | SystemActor`` for work the system may also do, ``User | PublicActor`` for what
the public may also do, ``Actor`` for any of them.
"""

from dataclasses import dataclass
from typing import Any, Final, Protocol


@dataclass(frozen=True)
class SystemActor:
    """Chaperon itself: a command run by an operator on the server, a task, the clock."""

    # What the audit log has always called it.
    label: str = "system"
    # How a log line names it (docs/logging.md).
    log_identity: str = "system"


@dataclass(frozen=True)
class PublicActor:
    """Someone not signed in. Audited under what they came by (a public page, a personal link):
    its services pass that as the event's ``actor_label``."""

    label: str = "a member of the public"
    log_identity: str = "public"


SYSTEM: Final = SystemActor()
PUBLIC: Final = PublicActor()


class Person(Protocol):
    """A signed-in user, as core and the audit log see one."""

    pk: Any

    def get_username(self) -> str: ...


type Actor = Person | SystemActor | PublicActor

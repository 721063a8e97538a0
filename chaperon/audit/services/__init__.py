"""Writing to the audit log: every service that changes state calls ``record`` in its
transaction (``chain``: appending an event to the hash chain)."""

from .chain import record

__all__ = ["record"]

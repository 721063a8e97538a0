"""Errors that services raise and views and the API turn into responses."""


class ChaperonError(Exception):
    """Base for errors a user can act on; ``str(error)`` is shown to them."""


class PermissionDenied(ChaperonError):
    """The actor may not do this. Views answer 403 (or 404 where existence is private)."""


class NotFound(ChaperonError):
    """Nothing the actor may see has this identity."""


class ValidationFailed(ChaperonError):
    """Input was refused; ``errors`` maps each field to what is wrong and how to fix it."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))

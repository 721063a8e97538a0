"""Shapes shared by every part of the API: errors, pagination, ids, request bodies and text."""

from typing import Annotated, Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator, ConfigDict, field_validator

# The largest id a 64-bit database column holds: anything larger is refused as invalid input
# rather than reaching the database.
MAX_ID = 2**63 - 1

RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]


def refuse_nul(value: str) -> str:
    # PostgreSQL cannot store it (SQLite can), so refuse it on every database alike.
    if "\x00" in value:
        raise ValueError("must not contain the NUL character")
    return value


Text = Annotated[str, AfterValidator(refuse_nul)]


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, in words a person can act on.")


class ValidationErrorOut(Schema):
    detail: str = Field(description="Every refused field and why, in one sentence.")
    errors: dict[str, str] = Field(
        description="Each refused field, by its name in the request, with what is wrong and "
        "how to fix it."
    )


_ERROR_SCHEMAS: dict[int, type[Schema]] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ValidationErrorOut,
}


def errors(*codes: int) -> dict[int, type[Schema]]:
    """The error responses an operation can give: 401 always, and ``codes``."""
    return {code: _ERROR_SCHEMAS[code] for code in sorted({401, *codes})}


def _without_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def patch_field(**constraints: Any) -> Any:
    """A field that a PATCH may leave out (nothing changes) but may not send as null unless
    its type allows null. Read the sent fields with ``model_dump(exclude_unset=True)``."""
    return Field(default=None, json_schema_extra=_without_default, **constraints)


class Pages(LimitOffsetPagination):
    """``?limit=&offset=``; answers ``{"items": [...], "count": total}``."""

    class Input(LimitOffsetPagination.Input):
        limit: int = Field(50, ge=1, le=200, description="How many items to return (1 to 200).")
        offset: int = Field(0, ge=0, le=MAX_ID, description="How many items to skip.")


class Input(Schema):
    """A request body: a field the operation does not know is refused, never ignored, and no
    text may hold a NUL character."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_nul(cls, value: Any) -> Any:
        return refuse_nul(value) if isinstance(value, str) else value

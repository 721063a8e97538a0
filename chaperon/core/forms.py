from collections.abc import Callable
from typing import Any

from django import forms

from .exceptions import ValidationFailed


class Choices(forms.RadioSelect):
    """Radio buttons whose label points at the first choice: the error summary links there,
    where keyboard focus can go."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


class Boxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose label points at the first box, as ``Choices``."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


class IsoDateInput(forms.DateInput):
    """A browser's date picker: it reads and writes YYYY-MM-DD only, whatever the language's
    own date format, so its value is written that way (else the field shows empty)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def show_errors(
    form: forms.BaseForm,
    error: ValidationFailed,
    *,
    field_for: Callable[[str], str] = str,
) -> None:
    """Put a service's refusal on the form: each message on the field it names (after
    ``field_for``) where the form has that field, otherwise at the top of the form."""
    for field, message in error.errors.items():
        target = field_for(field)
        form.add_error(target if target in form.fields else None, message)


def form_status(form: forms.BaseForm) -> int:
    """The status of a page showing ``form``: 400 when what was sent was refused, so that the
    refusal is not mistaken for success (by a browser's history, a script, a test)."""
    return 400 if form.is_bound and form.errors else 200

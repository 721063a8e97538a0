from collections.abc import Callable
from typing import Any

from django import forms

from .exceptions import ValidationFailed
from .validators import single_line_problem


class OneLineInputs:
    """A one-line input (a text field not drawn as a text area: a name, a title, a reference)
    refuses line breaks and control characters, naming the field: they would end up in an
    email header, a calendar entry, a CSV row or a log line, where they start a new one. Every
    form of Chaperon is one of these (``Form``, ``ModelForm``), fields added in ``__init__``
    included."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name, field in self.fields.items():
            if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.Textarea):
                continue
            value = getattr(self, "cleaned_data", {}).get(name)
            problem = single_line_problem(value) if isinstance(value, str) else None
            if problem is not None:
                self.add_error(name, f"{field.label or name.replace('_', ' ')} {problem}")

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)  # type: ignore[misc]


class Form(OneLineInputs, forms.Form):
    """A form of Chaperon."""


class ModelForm(OneLineInputs, forms.ModelForm):
    """A model form of Chaperon."""


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

from collections.abc import Callable

from django import forms

from .exceptions import ValidationFailed


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

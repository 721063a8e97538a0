"""Every one-line input of every form refuses line breaks and control characters, naming the
field: a session title, a reporter's name or a signed name with ``\\r\\nBcc:`` in it would end up
in an email header, a calendar entry or a CSV row."""

import importlib
import pkgutil

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

import chaperon
from chaperon.concerns.models import Concern
from chaperon.core.forms import Form, OneLineInputs
from chaperon.sessions.forms import RescheduleForm
from tests.concerns.test_public_page import report
from tests.conftest import Cast


def _every_form_class() -> set[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(chaperon.__path__, "chaperon."):
        if ".migrations" not in module.name and not module.name.endswith("settings.prod"):
            importlib.import_module(module.name)
    found: set[type[forms.BaseForm]] = set()
    todo: list[type[forms.BaseForm]] = [forms.BaseForm]
    while todo:
        for subclass in todo.pop().__subclasses__():
            todo.append(subclass)
            if subclass.__module__.startswith("chaperon."):
                found.add(subclass)
    return found


def test_every_form_of_chaperon_checks_its_one_line_inputs() -> None:
    classes = _every_form_class()
    assert len(classes) > 40  # the walk found the forms
    unchecked = sorted(
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in classes
        if not issubclass(cls, OneLineInputs)
    )
    assert unchecked == []


def test_a_line_break_in_a_one_line_input_is_refused_naming_the_field() -> None:
    class Named(Form):
        title = forms.CharField(label="Title")
        notes = forms.CharField(label="Notes", widget=forms.Textarea)

    form = Named({"title": "Careers\r\nBcc: someone@elsewhere.example", "notes": "One\r\nTwo"})
    assert not form.is_valid()
    assert list(form.errors) == ["title"]  # a text area keeps its lines
    assert "Title holds a line break (U+000D)" in form.errors["title"][0]
    assert Named({"title": "Careers", "notes": "One\r\nTwo"}).is_valid()


def test_fields_added_when_the_form_is_made_are_checked_too() -> None:
    class Grown(Form):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            self.fields["slot"] = forms.CharField(label="Time")

    form = Grown({"slot": "09:00\u202e"})
    assert not form.is_valid() and "slot" in form.errors


@pytest.mark.django_db
@pytest.mark.clause("INC-1")
def test_the_public_report_refuses_a_name_that_would_break_the_alert_email(cast: Cast) -> None:
    data = report("a child", reporter_name="Morgan\r\nBcc: all@elsewhere.example")
    url = reverse("report:for_organisation", args=[cast.organisation.slug])
    response = Client().post(url, data)
    assert response.status_code == 400
    assert "line break" in response.content.decode()
    assert not Concern.objects.exists()


def test_rescheduling_is_a_chaperon_form() -> None:
    assert issubclass(RescheduleForm, OneLineInputs)

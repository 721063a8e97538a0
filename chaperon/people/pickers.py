"""Choosing people among many: a search box, never a list of the whole organisation.

A ``PeopleField`` chooses learners, staff or guardians. The form says which people may be
chosen (``offer_people``), and the field accepts only those: the ids a browser sends are
checked against that scoped queryset on the server, whatever the search offered. The page
shows the people already chosen, a search box and a Find button; Find sends the form back
(``searching``) and the page returns with everything typed kept (``kept_input``) and the
matching people (at most ``PICK_RESULTS``) to tick. ``people/picker.js`` turns the same box
into a combobox that asks ``people:pick`` as one types.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Model, Q, QuerySet
from django.http import QueryDict
from django.urls import reverse

from chaperon.core.exceptions import ValidationFailed

from .models import Guardian, Learner, User
from .permissions import require
from .roles import Permission

PICK_RESULTS = 20
PICK_MAX_CHARACTERS = 100
PICK_MAX_WORDS = 5
SEARCH_SUFFIX = "-search"
FIND_BUTTON = "search"  # the name of every Find button: its value names the field


@dataclass(frozen=True)
class Kind:
    """One kind of person a picker chooses: where they are, who may search them, how a
    search matches one and what a result shows (the name, and a learner's year or group;
    nothing more)."""

    name: str
    permission: Permission
    everyone: Callable[[int], QuerySet[Any]]
    word: Callable[[str], Q]
    order: tuple[str, ...]
    label: Callable[[Any], str]


def _learner_label(learner: Learner) -> str:
    return f"{learner.full_name} ({learner.year_group or 'no group'})"


def _full_name(person: Any) -> str:
    return str(person.full_name)


KINDS: dict[str, Kind] = {
    "learners": Kind(
        name="learners",
        permission=Permission.VIEW_LEARNERS,
        everyone=lambda organisation_id: Learner.objects.filter(organisation_id=organisation_id),
        word=lambda word: (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(year_group__icontains=word)
            | Q(external_id__iexact=word)
        ),
        order=("last_name", "first_name", "id"),
        label=_learner_label,
    ),
    "staff": Kind(
        name="staff",
        permission=Permission.VIEW_STAFF,
        everyone=lambda organisation_id: User.objects.filter(
            organisation_id=organisation_id, is_active=True, staff__isnull=False
        ),
        word=lambda word: Q(full_name__icontains=word),
        order=("full_name", "id"),
        label=_full_name,
    ),
    "guardians": Kind(
        name="guardians",
        permission=Permission.VIEW_LEARNERS,
        everyone=lambda organisation_id: Guardian.objects.filter(organisation_id=organisation_id),
        word=lambda word: Q(full_name__icontains=word),
        order=("full_name", "id"),
        label=_full_name,
    ),
}


def search_problem(text: str) -> str | None:
    """Why ``text`` is too long to search with, or None."""
    if len(text) > PICK_MAX_CHARACTERS:
        return f"is too long: search with at most {PICK_MAX_CHARACTERS} characters"
    if len(text.split()) > PICK_MAX_WORDS:
        return f"has too many words: search with at most {PICK_MAX_WORDS}"
    return None


def matching(kind: Kind, people: QuerySet[Any], text: str) -> QuerySet[Any]:
    """``people`` whose name (or a learner's year or group, or MIS id) holds every word of
    ``text``, in order; none for no words."""
    words = text.split()
    if not words:
        return people.none()
    for word in words[:PICK_MAX_WORDS]:
        people = people.filter(kind.word(word))
    return people.order_by(*kind.order)


def people_to_pick(viewer: User, kind_name: str, text: str) -> tuple[list[Any], bool]:
    """The first ``PICK_RESULTS`` of the viewer's organisation's people of ``kind_name``
    matching ``text``, and whether there are more. Refused without the kind's permission."""
    kind = KINDS[kind_name]
    require(viewer, kind.permission)
    problem = search_problem(text)
    if problem is not None:
        raise ValidationFailed({"q": f"The search {problem}."})
    found = list(matching(kind, kind.everyone(viewer.organisation_id), text)[: PICK_RESULTS + 1])
    return found[:PICK_RESULTS], len(found) > PICK_RESULTS


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    chosen: bool
    suggested: bool = False


class PeoplePicker(forms.Widget):
    """The chosen people (ticked), a search box and its Find button, and what Find found.
    ``offer_people`` fills in what to show; the label of the field labels the search box."""

    template_name = "people/picker.html"
    is_picker = True

    def __init__(self, *, kind: str, multiple: bool, blank: str | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.multiple = multiple
        self.blank = blank
        self.options: list[Option] = []
        self.hidden: list[int] = []
        self.search_text = ""
        self.found: int | None = None
        self.more = False

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if self.multiple and hasattr(data, "getlist"):
            return data.getlist(name)
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_q" if id_ else id_

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_id = widget_attrs.get("id") or name
        described = [widget_attrs.get("aria-describedby"), f"{widget_id}_how"]
        context["picker"] = {
            "id": widget_id,
            "search_id": self.id_for_label(widget_id),
            "search_name": f"{name}{SEARCH_SUFFIX}",
            "search_text": self.search_text,
            "source": reverse("people:pick", args=[self.kind]),
            "multiple": self.multiple,
            "input_type": "checkbox" if self.multiple else "radio",
            "blank": self.blank,
            "blank_chosen": not any(option.chosen for option in self.options),
            "options": self.options,
            "found": self.found,
            "more": self.more,
            "limit": PICK_RESULTS,
            "kind": self.kind,
            "hidden": " ".join(str(pk) for pk in self.hidden),
            "describedby": " ".join(item for item in described if item),
            "invalid": widget_attrs.get("aria-invalid") == "true",
        }
        return context


class PeopleField(forms.Field):
    """One person (``multiple=False``: the person, or None when not required) or several
    (a list, in the order sent), of ``kind``: "learners", "staff" or "guardians". Only those
    of the queryset ``offer_people`` gives are accepted."""

    def __init__(
        self, *, kind: str, multiple: bool = False, blank: str | None = None, **kwargs: Any
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"no picker for {kind!r}")
        self.kind = KINDS[kind]
        self.multiple = multiple
        self.queryset: QuerySet[Any] = self.kind.everyone(0).none()
        kwargs.setdefault("widget", PeoplePicker(kind=kind, multiple=multiple, blank=blank))
        super().__init__(**kwargs)

    def label_from_instance(self, person: Any) -> str:
        return self.kind.label(person)

    def _ids(self, value: Any) -> list[str]:
        values = value if isinstance(value, list | tuple) else [value]
        return [str(getattr(item, "pk", item)).strip() for item in values if item not in (None, "")]

    def has_changed(self, initial: Any, data: Any) -> bool:
        before = [str(getattr(item, "pk", item)) for item in self._ids(initial)]
        return sorted(before) != sorted(self._ids(data))

    def _refusal(self, why: str) -> forms.ValidationError:
        return forms.ValidationError(why, code="invalid_choice")

    def clean(self, value: Any) -> Any:
        ids = self._ids(value)
        if not ids:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return [] if self.multiple else None
        if not all(item.isdigit() for item in ids):
            raise self._refusal("choose people from the search results.")
        if not self.multiple and len(ids) > 1:
            raise self._refusal("choose only one.")
        wanted = list(dict.fromkeys(int(item) for item in ids))
        found = {person.pk: person for person in self.queryset.filter(pk__in=wanted)}
        if len(found) != len(wanted):
            raise self._refusal(
                "someone chosen cannot be chosen here (they are not among the people of your "
                "organisation this may name). Search again and choose from what is found."
            )
        people = [found[pk] for pk in wanted]
        return people if self.multiple else people[0]


def _given(form: forms.BaseForm, name: str) -> list[int]:
    if form.is_bound:
        key = form.add_prefix(name)
        data = form.data
        raw = data.getlist(key) if hasattr(data, "getlist") else [data.get(key)]
    else:
        value = form.initial.get(name, form.fields[name].initial)
        raw = value if isinstance(value, list | tuple) else [value]
    ids = [getattr(item, "pk", item) for item in raw if item not in (None, "")]
    return [int(item) for item in ids if str(item).isdigit()]


def offer_people(
    form: forms.BaseForm,
    name: str,
    people: QuerySet[Any],
    *,
    suggested: Sequence[Any] = (),
    hidden: Sequence[int] = (),
) -> None:
    """Let the picker ``name`` of ``form`` choose among ``people`` (already scoped to the
    viewer and the purpose), and show the chosen ones and what its search found. A few
    ``suggested`` people (those of a session, a learner's brothers and sisters) are offered
    to tick without a search; only those among ``people`` are shown. The combobox leaves out
    the ``hidden`` ids (the organiser, the viewer) from what the search finds: a nicety, as
    only ``people`` are ever accepted."""
    field = form.fields[name]
    if not isinstance(field, PeopleField) or not isinstance(field.widget, PeoplePicker):
        raise TypeError(f"{name} is not a people picker")
    field.queryset = people
    widget = field.widget
    search_key = form.add_prefix(name) + SEARCH_SUFFIX
    raw = form.data.get(search_key) if form.is_bound else form.initial.get(search_key)
    text = " ".join(str(raw or "").split())[:PICK_MAX_CHARACTERS]
    chosen_ids = _given(form, name)
    by_pk = {person.pk: person for person in people.filter(pk__in=chosen_ids)}
    chosen = [by_pk[pk] for pk in dict.fromkeys(chosen_ids) if pk in by_pk]
    found: list[Any] = []
    if text:
        rows = list(
            matching(field.kind, people, text).exclude(pk__in=chosen_ids)[: PICK_RESULTS + 1]
        )
        found, widget.more = rows[:PICK_RESULTS], len(rows) > PICK_RESULTS
        widget.found = len(found)
    shown = set(chosen_ids) | {person.pk for person in found}
    offered = [person.pk for person in suggested if person.pk not in shown]
    suggestions = list(people.filter(pk__in=offered).order_by(*field.kind.order)) if offered else []
    widget.search_text = text
    widget.hidden = list(hidden)
    label = field.label_from_instance
    widget.options = (
        [Option(str(person.pk), label(person), True) for person in chosen]
        + [Option(str(person.pk), label(person), False, True) for person in suggestions]
        + [Option(str(person.pk), label(person), False) for person in found]
    )


def searching(data: QueryDict) -> bool:
    """Whether a Find button sent the form (to search, not to act)."""
    return FIND_BUTTON in data


def kept_input(data: QueryDict, form_class: type[forms.Form]) -> dict[str, Any]:
    """What was typed into a form, as the initial values of a fresh one: Find sends the whole
    form back, and nothing typed should be lost or refused meanwhile. Fields added in a form's
    ``__init__`` are listed with ``extra``."""
    return kept_fields(data, form_class.base_fields)


def kept_fields(data: QueryDict, fields: dict[str, forms.Field]) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for name, field in fields.items():
        if isinstance(field, PeopleField):
            initial[name] = data.getlist(name)
            initial[name + SEARCH_SUFFIX] = data.get(name + SEARCH_SUFFIX, "")
        elif isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            initial[name] = data.getlist(name)
        elif isinstance(field, forms.BooleanField):
            initial[name] = name in data
        elif name in data:
            initial[name] = data.get(name)
    return initial


def labelled(people: Sequence[Model], kind: str) -> list[dict[str, Any]]:
    """What the JSON endpoint sends of each person: the id and the label, nothing more."""
    label = KINDS[kind].label
    return [{"id": person.pk, "label": label(person)} for person in people]

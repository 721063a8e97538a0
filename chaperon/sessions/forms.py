from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict

from chaperon.core.forms import Boxes, Form, IsoDateInput
from chaperon.people.models import Learner, Organisation, User
from chaperon.people.selectors import learner_list_visible_to
from chaperon.policy.models import BUILTIN_PLATFORM, ApprovedPlatform

from .models import SessionKind
from .plans import SESSION_SETTINGS


def local_datetime(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The aware moment of a wall-clock time; a time skipped by a clock change is refused."""
    moment = datetime.combine(day, at, tzinfo=zone)
    if moment.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None) != moment.replace(
        tzinfo=None
    ):
        raise forms.ValidationError("that time does not exist on that day (the clocks change)")
    return moment


SEARCH_RESULTS = 20
SEARCH_MAX_LENGTH = 100


class LearnerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Learner) -> str:
        return f"{obj.full_name} ({obj.year_group or 'no group'})"


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name


def _search_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=SEARCH_MAX_LENGTH,
        required=False,
        help_text="Part of a name (or, for a learner, their MIS number), then Search.",
    )


def organisation_staff(organisation: Organisation, organiser: User) -> QuerySet[User]:
    return (
        User.objects.filter(organisation=organisation, is_active=True, staff__isnull=False)
        .exclude(pk=organiser.pk)
        .order_by("full_name")
    )


def staff_matching(staff: QuerySet[User], text: str) -> QuerySet[User]:
    for word in text.split()[:5]:
        staff = staff.filter(Q(full_name__icontains=word) | Q(email__icontains=word))
    return staff


@dataclass(frozen=True)
class Search:
    """What a picker's search found: the words searched for and how many were offered."""

    text: str
    found: int


class PickerForm(Form):
    """A form choosing learners and staff among many, with no JavaScript and without
    rendering the whole organisation: each list shows the people chosen, ticked, and those
    matching its search (at most ``SEARCH_RESULTS``). The Search button sends the form back
    with everything typed kept (``kept_input``); any of the organisation's people is valid.
    """

    learners = LearnerChoiceField(
        label="Learners", queryset=Learner.objects.none(), widget=Boxes, required=True
    )
    learner_search = _search_field("Find a learner")
    other_staff = StaffChoiceField(
        label="Other staff taking part",
        queryset=User.objects.none(),
        widget=Boxes,
        required=False,
    )
    staff_search = _search_field("Find a member of staff")

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        organiser: User,
        viewer: User | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.searches: dict[str, Search] = {}
        searcher = viewer or organiser
        self._offer(
            "learners",
            "learner_search",
            Learner.objects.filter(organisation=organisation),
            lambda text: learner_list_visible_to(searcher, search=" ".join(text.split()[:5])),
        )
        staff = organisation_staff(organisation, organiser)
        self._offer("other_staff", "staff_search", staff, lambda text: staff_matching(staff, text))

    def _given(self, name: str) -> list[Any]:
        if self.is_bound:
            return list(self.data.getlist(name)) if hasattr(self.data, "getlist") else []
        value = self.initial.get(name) or []
        return [getattr(item, "pk", item) for item in value]

    def _offer(
        self,
        name: str,
        search_name: str,
        queryset: QuerySet[Any],
        matching: Callable[[str], QuerySet[Any]],
    ) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101
        field.queryset = queryset
        chosen_ids = [int(value) for value in self._given(name) if str(value).isdigit()]
        raw = self.data.get(search_name, "") if self.is_bound else self.initial.get(search_name)
        text = str(raw or "").strip()[:SEARCH_MAX_LENGTH]
        chosen = list(queryset.filter(pk__in=chosen_ids))
        found = list(matching(text).exclude(pk__in=chosen_ids)[:SEARCH_RESULTS]) if text else []
        field.widget.choices = [
            (person.pk, field.label_from_instance(person)) for person in chosen + found
        ]
        self.searches[name] = Search(text, len(found))


def kept_input(data: QueryDict, form_class: type[forms.Form]) -> dict[str, Any]:
    """What was typed into a form, as the initial values of a fresh one: a Search button
    sends the whole form back, and nothing typed should be lost or refused meanwhile."""
    initial: dict[str, Any] = {}
    for name, field in form_class.base_fields.items():
        if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            initial[name] = data.getlist(name)
        elif isinstance(field, forms.BooleanField):
            initial[name] = name in data
        elif name in data:
            initial[name] = data.get(name)
    return initial


def searching(data: QueryDict) -> bool:
    return "search" in data


class SessionPartsForm(PickerForm):
    """What a session is made of beyond its time: who takes part, the adult in the house,
    recording and the platform. Shared by booking and changing a session."""

    named_adult = forms.CharField(
        label="Adult who will be in the house (1:1 with a learner under 18 or at risk)",
        max_length=200,
        required=False,
    )
    guardians_may_drop_in = forms.BooleanField(
        label="Invite the learners' parents or carers to drop in", required=False
    )
    platform = forms.ChoiceField(label="Where it takes place")
    recording_enabled = forms.BooleanField(label="Record this session", required=False)
    recording_purpose = forms.CharField(
        label="What the recording is for", max_length=300, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        platforms = [(BUILTIN_PLATFORM, "Chaperon's own room (built in)")]
        platforms += [
            (platform.key, platform.name)
            for platform in ApprovedPlatform.objects.filter(organisation=self.organisation)
        ]
        platform_field = self.fields["platform"]
        assert isinstance(platform_field, forms.ChoiceField)  # noqa: S101
        platform_field.choices = platforms
        self.initial.setdefault("platform", BUILTIN_PLATFORM)


class BookingForm(SessionPartsForm):
    kind = forms.ChoiceField(
        label="Kind of session", choices=SessionKind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(
        label="Title", max_length=200, help_text="What invitations and calendars will show."
    )
    day = forms.DateField(label="Date", widget=IsoDateInput())
    start_time = forms.TimeField(label="Start time", widget=forms.TimeInput(attrs={"type": "time"}))
    duration_minutes = forms.IntegerField(
        label="Length in minutes", min_value=1, max_value=480, initial=40
    )
    exception_reason = forms.CharField(
        label="Why this session needs an exception",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    field_order = [
        "kind",
        "title",
        "day",
        "start_time",
        "duration_minutes",
        "learners",
        "learner_search",
        "other_staff",
        "staff_search",
        *SESSION_SETTINGS,
        "exception_reason",
    ]

    def start(self) -> datetime:
        return local_datetime(
            self.cleaned_data["day"], self.cleaned_data["start_time"], self.organisation.zone
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("day") and cleaned.get("start_time"):
            try:
                self.start()
            except forms.ValidationError as error:
                self.add_error("start_time", error)
        return cleaned


class ChangeForm(SessionPartsForm):
    """The session's change page: the same parts as booking, without the time (Move)."""


class RescheduleForm(Form):
    day = forms.DateField(label="New date", widget=IsoDateInput())
    start_time = forms.TimeField(
        label="New start time", widget=forms.TimeInput(attrs={"type": "time"})
    )
    duration_minutes = forms.IntegerField(label="Length in minutes", min_value=1, max_value=480)


class ReasonForm(Form):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))


class PrepareForm(Form):
    risk_assessment = forms.CharField(
        label="Risk assessment",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The risks to this learner and this session, and how you will manage them.",
    )
    conversation_plan = forms.CharField(
        label="Plan for the session", widget=forms.Textarea(attrs={"rows": 3})
    )
    crisis_plan = forms.CharField(
        label="Crisis process (1:1 sessions)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Who you will contact, and how, if the learner discloses harm or is in danger.",
    )
    setting_checked = forms.BooleanField(
        label="I have checked my own setting: a suitable room or blurred background, sound and "
        "camera tested, other applications closed"
    )

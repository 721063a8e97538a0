from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import QuerySet

from chaperon.core.forms import Form, IsoDateInput
from chaperon.people.models import Learner, Organisation, User
from chaperon.people.pickers import PeopleField, offer_people
from chaperon.people.pickers import kept_input as kept_input  # the pages' Find
from chaperon.people.pickers import searching as searching
from chaperon.policy.models import BUILTIN_PLATFORM, ApprovedPlatform

from .models import RecordingAlternative, SessionKind, TakingPart
from .plans import SESSION_SETTINGS


def local_datetime(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The aware moment of a wall-clock time; a time skipped by a clock change is refused."""
    moment = datetime.combine(day, at, tzinfo=zone)
    if moment.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None) != moment.replace(
        tzinfo=None
    ):
        raise forms.ValidationError("that time does not exist on that day (the clocks change)")
    return moment


def organisation_staff(organisation: Organisation, organiser: User) -> QuerySet[User]:
    return (
        User.objects.filter(organisation=organisation, is_active=True, staff__isnull=False)
        .exclude(pk=organiser.pk)
        .order_by("full_name")
    )


class PickerForm(Form):
    """A form choosing learners and staff among many without rendering the whole
    organisation: each picker shows the people chosen and a search (``people.pickers``).
    The organisation's learners, and its staff but the organiser, may be chosen."""

    learners = PeopleField(
        kind="learners",
        multiple=True,
        label="Learners",
        required=True,
        help_text="A 1:1 session has one learner.",
    )
    other_staff = PeopleField(
        kind="staff",
        multiple=True,
        label="Other staff taking part",
        required=False,
        help_text="You take part yourself. Group sessions need at least two staff.",
    )

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
        current = Learner.objects.filter(organisation=organisation, left_on__isnull=True)
        offer_people(self, "learners", current)
        offer_people(
            self,
            "other_staff",
            organisation_staff(organisation, organiser),
            hidden=[organiser.pk],
        )


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
    taking_part = forms.ChoiceField(
        label="How the learners take part",
        choices=[("", "Choose, as the families chose"), *TakingPart.choices],
        required=False,
        help_text="Live video is optional. Ask the family how their child would like to take "
        "part, and respect their choice: audio only, a phone call, text chat or a recorded "
        "message work as well.",
    )
    recording_enabled = forms.BooleanField(label="Record this session", required=False)
    recording_purpose = forms.CharField(
        label="What the recording is for", max_length=300, required=False
    )
    recording_alternative = forms.ChoiceField(
        label="The alternative to recording you considered",
        choices=[("", "Choose one (only if recording)"), *RecordingAlternative.choices],
        required=False,
    )
    recording_need = forms.CharField(
        label="Why recording is still needed",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only if recording: why the alternative is not enough.",
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
    conversation_plan = forms.CharField(
        label="Plan for the session",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="What the session will cover. You add the risk assessment before it starts.",
    )
    crisis_plan = forms.CharField(
        label="Crisis process (for a one-to-one)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Who you will contact, and how, if the learner discloses harm or is in danger.",
    )
    exception_reason = forms.CharField(
        label="Why this session needs an exception",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    # Booked for a class: the session then follows who joins and leaves it.
    group = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    field_order = [
        "kind",
        "title",
        "day",
        "start_time",
        "duration_minutes",
        "learners",
        "other_staff",
        *SESSION_SETTINGS,
        "conversation_plan",
        "crisis_plan",
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

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields[
            "other_staff"
        ].help_text = "The organiser always takes part. Group sessions need at least two staff."


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

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django import forms

from chaperon.people.models import Learner, Organisation, User

from .models import BUILTIN_PLATFORM, ApprovedPlatform, SessionKind


def local_datetime(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The aware moment of a wall-clock time; a time skipped by a clock change is refused."""
    moment = datetime.combine(day, at, tzinfo=zone)
    if moment.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None) != moment.replace(
        tzinfo=None
    ):
        raise forms.ValidationError("that time does not exist on that day (the clocks change)")
    return moment


class LearnerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Learner) -> str:
        return f"{obj.full_name} ({obj.year_group or 'no group'})"


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name


class BookingForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of session", choices=SessionKind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(
        label="Title", max_length=200, help_text="What invitations and calendars will show."
    )
    day = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label="Start time", widget=forms.TimeInput(attrs={"type": "time"}))
    duration_minutes = forms.IntegerField(
        label="Length in minutes", min_value=1, max_value=480, initial=40
    )
    learners = LearnerChoiceField(
        label="Learners",
        queryset=Learner.objects.none(),
        help_text="A 1:1 session has one learner. Hold Ctrl (or ⌘) to choose several.",
    )
    other_staff = StaffChoiceField(
        label="Other staff taking part",
        queryset=User.objects.none(),
        required=False,
        help_text="You take part yourself. Group sessions need at least two staff.",
    )
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
    exception_reason = forms.CharField(
        label="Why this session needs an exception",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, organisation: Organisation, organiser: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        learners = self.fields["learners"]
        staff = self.fields["other_staff"]
        assert isinstance(learners, forms.ModelMultipleChoiceField)  # noqa: S101
        assert isinstance(staff, forms.ModelMultipleChoiceField)  # noqa: S101
        learners.queryset = Learner.objects.filter(organisation=organisation)
        staff.queryset = (
            User.objects.filter(organisation=organisation, is_active=True, staff__isnull=False)
            .exclude(pk=organiser.pk)
            .order_by("full_name")
        )
        platforms = [(BUILTIN_PLATFORM, "Chaperon's own room (built in)")]
        platforms += [
            (platform.key, platform.name)
            for platform in ApprovedPlatform.objects.filter(organisation=organisation)
        ]
        platform_field = self.fields["platform"]
        assert isinstance(platform_field, forms.ChoiceField)  # noqa: S101
        platform_field.choices = platforms
        self.initial.setdefault("platform", BUILTIN_PLATFORM)

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


class RescheduleForm(forms.Form):
    day = forms.DateField(label="New date", widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label="New start time", widget=forms.TimeInput(attrs={"type": "time"})
    )
    duration_minutes = forms.IntegerField(label="Length in minutes", min_value=1, max_value=480)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))


class PrepareForm(forms.Form):
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


class PolicyForm(forms.Form):
    text = forms.CharField(
        label="Policy document (YAML)",
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
    )


PLATFORM_SETTINGS = {
    "waiting_room": "Waiting room on: the host admits each person",
    "passcode": "A passcode is needed to enter",
    "host_video": "Host video on",
    "participant_video": "Participant video on",
    "participant_screen_share": "Participants can share their screen",
    "participant_rename": "Participants can rename themselves",
    "lock_when_all_arrived": "The meeting is locked once everyone has arrived",
}


class PlatformForm(forms.ModelForm):
    """A platform for the register, with the settings the organisation's account enforces."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in PLATFORM_SETTINGS.items():
            self.fields[name] = forms.BooleanField(label=label, required=False)

    def platform_settings(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data.get(name)) for name in PLATFORM_SETTINGS}

    class Meta:
        model = ApprovedPlatform
        fields = ["key", "name", "risk_assessed_on", "risk_assessment", "organisation_account"]
        labels = {
            "key": "Short name used in the policy (for example zoom)",
            "risk_assessed_on": "Date of the risk assessment",
            "risk_assessment": "Risk assessment: suitability for the age group and its settings",
            "organisation_account": "Used only through the organisation's own account",
        }
        widgets = {
            "risk_assessed_on": forms.DateInput(attrs={"type": "date"}),
            "risk_assessment": forms.Textarea(attrs={"rows": 4}),
        }

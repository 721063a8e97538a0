"""Forms of the concern pages. They parse and shape input; the services decide."""

from collections.abc import Callable, Sequence
from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet

from chaperon.core.exceptions import ValidationFailed
from chaperon.core.forms import Boxes, Choices, Form
from chaperon.people.models import Learner, User
from chaperon.people.pickers import PeopleField, offer_people

from . import conf
from .attachments import ConcernFile, concern_file
from .checklist import AGENCY_LABELS, Illegal, NudeSharing, RiskToUser
from .listing import ConcernFilters
from .models import (
    AllegationOutcome,
    ConcernKind,
    ConcernType,
    FourCs,
    LinkRelation,
    ReporterRelation,
    Status,
)
from .services import RESPONSES


class _OwnIds:
    """Several forms share the case page: each names its fields' ids apart."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


def _offer(
    field: forms.Field,
    records: Sequence[Any],
    label: Callable[[Any], str],
    *,
    blank: str | None = None,
) -> None:
    """Offer ``records`` on a ``TypedChoiceField``: its cleaned value is the chosen record
    (or None for ``blank``), so the view need not look it up again."""
    choice = cast(forms.TypedChoiceField, field)
    by_pk = {str(record.pk): record for record in records}
    blank_choice = [("", blank)] if blank is not None else []
    choice.choices = blank_choice + [(record.pk, label(record)) for record in records]
    choice.coerce = by_pk.__getitem__


def _full_name(record: Any) -> str:
    return str(record.full_name)


def _among(staff: Sequence[User]) -> QuerySet[User]:
    """The members of staff of ``staff`` (a short list the case worked out) as a queryset a
    picker can search."""
    return User.objects.filter(pk__in=[user.pk for user in staff])


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportForm(Form):
    """What every way of raising a concern asks."""

    kind = forms.ChoiceField(
        label="Who is it about?",
        choices=[
            (ConcernKind.CONCERN.value, "A child, young person or adult at risk"),
            (ConcernKind.ALLEGATION.value, "A member of staff (an allegation)"),
        ],
        widget=Choices,
        initial=ConcernKind.CONCERN.value,
    )
    about_name = forms.CharField(
        label="Their name, if you know it", max_length=conf.NAME_MAX_CHARS, required=False
    )
    subject_staff_name = forms.CharField(
        label="If it is about a member of staff: their name",
        max_length=conf.NAME_MAX_CHARS,
        required=False,
    )
    occurred_on = forms.DateField(
        label="When did it happen (or when did you find out)?", required=False, widget=_date_input()
    )
    description = forms.CharField(
        label="What happened, or what worries you",
        max_length=conf.DESCRIPTION_MAX_CHARS,
        widget=_textarea(6),
        help_text="Say what you saw or were told, in the words used where you can. Do not "
        "investigate or ask leading questions.",
    )
    material_location = forms.CharField(
        label="If there are images, videos or messages: where are they?",
        required=False,
        max_length=conf.DETAIL_MAX_CHARS,
        widget=_textarea(2),
        help_text="For example: on a phone, in a chat group, on a website (give its address). "
        "Do not copy, save, send or delete them.",
    )
    seen_by = forms.CharField(
        label="Who has seen them?",
        required=False,
        max_length=conf.DETAIL_MAX_CHARS,
        widget=_textarea(2),
    )
    category = forms.ChoiceField(
        label="Which kind of risk is it?",
        choices=FourCs.choices,
        widget=Choices,
        initial=FourCs.NOT_SURE.value,
    )
    types = forms.MultipleChoiceField(
        label="What is it about? Choose any that fit",
        choices=ConcernType.choices,
        widget=Boxes,
        required=False,
    )
    immediate_danger = forms.BooleanField(
        label="Someone may be in immediate danger", required=False
    )
    attachment = forms.FileField(
        label="A document, if you have one (optional)",
        required=False,
        help_text="A PDF, plain text or Word document only. Never an image or a video: only "
        "the words of a document are kept.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.txt,.docx"}),
    )

    def clean_attachment(self) -> ConcernFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("attachment")
        if not upload:
            return None
        try:
            return concern_file(
                name=upload.name or "document",
                content=upload.read(),
                declared_type=upload.content_type or "",
            )
        except ValidationFailed as error:
            raise forms.ValidationError(error.errors["attachment"]) from None

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "about_name": data["about_name"],
            "subject_staff_name": data.get("subject_staff_name", ""),
            "occurred_on": data["occurred_on"],
            "description": data["description"],
            "material_location": data["material_location"],
            "seen_by": data["seen_by"],
            "category": data["category"],
            "types": data["types"],
            "immediate_danger": data["immediate_danger"],
            "attachment": data["attachment"],
        }


class PublicReportForm(ReportForm):
    reporter_name = forms.CharField(
        label="Your name (optional)",
        max_length=conf.NAME_MAX_CHARS,
        required=False,
        help_text="You may report without giving your name: an anonymous report is welcome. "
        "But without a name or a way to contact you, the school cannot get back to you.",
    )
    reporter_relation = forms.ChoiceField(
        label="You are", choices=ReporterRelation.choices, widget=Choices
    )
    reporter_contact = forms.CharField(
        label="Your email address or phone number (optional)",
        max_length=conf.CONTACT_MAX_CHARS,
        required=False,
        help_text="So that the safeguarding team can reply and tell you it was dealt with.",
    )
    field_order = ["reporter_name", "reporter_relation", "reporter_contact"]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return super().service_arguments() | {
            "reporter_name": data["reporter_name"],
            "reporter_relation": data["reporter_relation"],
            "reporter_contact": data["reporter_contact"],
        }


class InvitationReportForm(ReportForm):
    pass


class StaffReportForm(ReportForm):
    """The staff form: the learner and the member of staff are chosen with pickers. Without
    ``learners`` (the viewer may not see learners) there is no learner to choose."""

    learner = PeopleField(
        kind="learners",
        label="The learner, if they are on the list",
        required=False,
        blank="Not listed or not known",
    )
    subject_staff = PeopleField(
        kind="staff",
        label="If it is about a member of staff: who",
        required=False,
        blank="Not about staff",
    )

    def __init__(
        self,
        *args: Any,
        learners: QuerySet[Learner] | None,
        staff: QuerySet[User],
        suggested_learners: Sequence[Learner] = (),
        viewer: User | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if learners is None:
            del self.fields["learner"]
        else:
            offer_people(self, "learner", learners, suggested=suggested_learners)
        offer_people(self, "subject_staff", staff, hidden=[viewer.pk] if viewer else [])
        self.fields["about_name"].label = "If the learner is not listed: their name"
        self.order_fields(["kind", "learner", "about_name", "subject_staff"])
        self.fields.pop("subject_staff_name")


class TriageForm(_OwnIds, Form):
    id_prefix = "triage"

    illegal = forms.ChoiceField(
        label="Is the material accessed or the action performed illegal?",
        choices=[(Illegal.YES, "Yes"), (Illegal.NO, "No"), (Illegal.NOT_SURE, "Not sure")],
        widget=Choices,
    )
    immediate_risk = forms.TypedChoiceField(
        label="Is there an immediate risk to anyone?",
        choices=[("yes", "Yes: immediate danger"), ("no", "No immediate risk")],
        coerce=lambda value: value == "yes",
        widget=Choices,
    )
    risk_to_user = forms.ChoiceField(
        label="What risk is posed to the child or young person?",
        choices=[
            (RiskToUser.LOW, "Low: upsetting, no lasting harm expected"),
            (RiskToUser.HARM, "Harm, or a concern for their welfare"),
            (RiskToUser.SIGNIFICANT, "At risk of significant harm"),
        ],
        widget=Choices,
    )
    nude_sharing = forms.ChoiceField(
        label="Is it the sharing of nudes or semi-nudes?",
        choices=[
            (NudeSharing.NOT_INVOLVED, "No"),
            (NudeSharing.EXPERIMENTAL, "Yes: experimental (no adult involved, no intent to harm)"),
            (NudeSharing.AGGRAVATED, "Yes: aggravated (an adult, intent to harm, or coercion)"),
        ],
        widget=Choices,
        initial=NudeSharing.NOT_INVOLVED,
    )
    risk_note = forms.CharField(label="Why: what you know of the risk", widget=_textarea(3))
    owner = PeopleField(kind="staff", label="Who owns the steps")

    def __init__(self, *args: Any, staff: list[User], actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].initial = actor.pk
        offer_people(self, "owner", _among(staff))


class StepForm(_OwnIds, Form):
    id_prefix = "step"

    outcome = forms.CharField(label="What was done, or decided and why", widget=_textarea(2))


class ReferralForm(_OwnIds, Form):
    id_prefix = "referral"

    agency = forms.ChoiceField(
        label="Referred to",
        choices=[(str(key), label) for key, label in AGENCY_LABELS.items()],
    )
    made_on = forms.DateField(label="Date of the referral", widget=_date_input())
    reference = forms.CharField(label="Their reference number", max_length=100)
    without_consent = forms.BooleanField(
        label="Made without consent: the child is at risk of significant harm", required=False
    )
    reason = forms.CharField(
        label="Why it could not wait for consent (needed if made without consent)",
        required=False,
        widget=_textarea(2),
    )
    detail = forms.CharField(label="Notes (optional)", required=False, widget=_textarea(2))


class NoteForm(_OwnIds, Form):
    id_prefix = "note"

    text = forms.CharField(label="Note", widget=_textarea(3))


class ChangeForm(_OwnIds, Form):
    id_prefix = "change"

    category = forms.ChoiceField(
        label="Category", choices=[("", "Unchanged"), *FourCs.choices], required=False
    )
    occurred_on = forms.DateField(label="Date it happened", required=False, widget=_date_input())
    learner = PeopleField(kind="learners", label="Learner", required=False, blank="Unchanged")
    reason = forms.CharField(label="Why it changes", widget=_textarea(2))

    def __init__(self, *args: Any, learners: QuerySet[Learner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_people(self, "learner", learners)


class GrantForm(_OwnIds, Form):
    id_prefix = "grant"

    user = PeopleField(kind="staff", label="Member of staff")

    def __init__(self, *args: Any, staff: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_people(self, "user", _among(staff))


class CloseForm(Form):
    reporter_told = forms.CharField(
        label="How the reporter was told it was dealt with (or why they were not)",
        widget=_textarea(2),
    )
    open_steps_reason = forms.CharField(
        label="If a step is still open: why the concern closes anyway",
        required=False,
        widget=_textarea(2),
    )

    def __init__(self, *args: Any, allegation: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in RESPONSES.items():
            self.fields[key] = forms.CharField(
                label=f"{label} (or 'none needed')", required=False, widget=_textarea(1)
            )
        order = [*RESPONSES, "reporter_told", "open_steps_reason"]
        if allegation:
            # How long the allegation's record is kept follows from it (docs/retention.md).
            self.fields["allegation_outcome"] = forms.ChoiceField(
                label="Outcome of the allegation",
                choices=[("", "Choose the outcome"), *AllegationOutcome.choices],
                help_text="As Keeping children safe in education defines them. A malicious "
                "allegation comes to the DSL's review at once, to be removed from the "
                "personnel record; any other is kept until the person's normal retirement age "
                "or for ten years, whichever is longer.",
                error_messages={"required": "Choose the allegation's outcome."},
            )
            order.insert(0, "allegation_outcome")
        self.order_fields(order)

    def responses(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(key) or "" for key in RESPONSES}


class ConcernFilterForm(Form):
    """The concerns list's search and filters (GET). Each field names what it filters."""

    q = forms.CharField(
        label="Search",
        max_length=200,
        required=False,
        help_text="A reference, a learner's name, or words from the report or the case.",
    )
    show = forms.ChoiceField(
        label="Open or closed",
        choices=[("open", "Open"), ("closed", "Closed"), ("all", "All")],
        required=False,
    )
    status = forms.ChoiceField(
        label="State", choices=[("", "Any"), *Status.choices], required=False
    )
    category = forms.ChoiceField(
        label="Category", choices=[("", "Any"), *FourCs.choices], required=False
    )
    raised_from = forms.DateField(label="Raised from", required=False, widget=_date_input())
    raised_to = forms.DateField(label="Raised until", required=False, widget=_date_input())
    mine = forms.BooleanField(label="With a step or task of mine to do", required=False)
    awaiting = forms.BooleanField(
        label="Awaiting action (not yet triaged, or a step overdue)", required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("raised_from"), data.get("raised_to")
        if start and end and end < start:
            self.add_error("raised_to", "the end of the range comes before its start")
        return data

    def filters(self) -> ConcernFilters:
        """What to show: the valid filters (an invalid form shows open concerns)."""
        if not self.is_valid():
            return ConcernFilters()
        data = self.cleaned_data
        return ConcernFilters(
            q=data["q"].strip(),
            show=data["show"] or "open",
            status=data["status"],
            category=data["category"],
            raised_from=data["raised_from"],
            raised_to=data["raised_to"],
            mine=data["mine"],
            awaiting=data["awaiting"],
        )


class ReclassifyForm(_OwnIds, Form):
    id_prefix = "reclassify"

    subject_staff = PeopleField(kind="staff", label="The member of staff it is about")
    reason = forms.CharField(
        label="Why it is an allegation about them", widget=_textarea(2), max_length=5000
    )

    def __init__(self, *args: Any, staff: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_people(self, "subject_staff", _among(staff))


class SuspendForm(_OwnIds, Form):
    id_prefix = "suspend"

    reason = forms.CharField(
        label="Why they may not run or join sessions while it is looked into",
        widget=_textarea(2),
        max_length=5000,
    )


class LiftForm(_OwnIds, Form):
    id_prefix = "lift"

    lift_reason = forms.CharField(
        label="Why they may run and join sessions again", widget=_textarea(2), max_length=5000
    )


class TaskForm(_OwnIds, Form):
    id_prefix = "task"

    title = forms.CharField(label="What is to be done", max_length=300)
    owner = forms.TypedChoiceField(label="Who does it")
    due_on = forms.DateField(label="Due by (the end of that working day)", widget=_date_input())

    def __init__(self, *args: Any, staff: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self.fields["owner"], staff, _full_name)


class AssignForm(Form):
    """Give one step to someone else: its fields are named per step on the case page."""

    owner = forms.TypedChoiceField(label="Give it to")
    due_on = forms.DateField(label="New due date (optional)", required=False, widget=_date_input())

    def __init__(self, *args: Any, staff: list[User], step_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"assign-{step_id}_%s")
        super().__init__(*args, **kwargs)
        _offer(self.fields["owner"], staff, _full_name)


class LinkForm(_OwnIds, Form):
    id_prefix = "link"

    learner = PeopleField(kind="learners", label="Show it on the chronology of")
    relation = forms.ChoiceField(label="How they are connected", choices=LinkRelation.choices)
    reason = forms.CharField(
        label="Why it belongs on their chronology", widget=_textarea(2), max_length=5000
    )

    def __init__(
        self,
        *args: Any,
        learners: QuerySet[Learner],
        family: Sequence[Learner] = (),
        **kwargs: Any,
    ) -> None:
        """``family``: brothers and sisters, offered without a search."""
        super().__init__(*args, **kwargs)
        offer_people(self, "learner", learners, suggested=family)


class UnlinkForm(Form):
    end_reason = forms.CharField(
        label="Why it no longer belongs on their chronology", widget=_textarea(2), max_length=5000
    )

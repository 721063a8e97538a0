"""Subject access pages (ORG-7): the requests with their deadlines, a page at a time;
receiving one (the person found by searching); a request's preparation, its third parties
and the DSL's decision on each; release; and the released export, downloadable again."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chaperon.core.exceptions import NotFound, ValidationFailed
from chaperon.core.forms import form_status, show_errors
from chaperon.core.pagination import page_of
from chaperon.people.models import Guardian, Learner, User
from chaperon.people.permissions import viewer_of
from chaperon.people.pickers import kept_input, searching
from chaperon.people.selectors import organisation_for

from . import selectors, services
from .forms import AddPartyForm, DecideForm, ReleaseForm, StartForm
from .models import SubjectAccessRequest
from .permissions import may_handle_subject_access

PER_PAGE = 25


def _viewer(request: HttpRequest) -> User:
    viewer = viewer_of(request)
    if not may_handle_subject_access(viewer):
        raise PermissionDenied("Your role does not allow this.")
    return viewer


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    today = organisation_for(viewer).today()
    listing = page_of(selectors.requests_listed(viewer), request, per_page=PER_PAGE)
    selectors.requests_list_opened(viewer, page=listing.page.number)
    rows = [(each, selectors.deadline_of(each, today)) for each in listing.rows]
    return render(
        request,
        "subject_access/list.html",
        {"nav": "subject_access", "listing": listing, "rows": rows, "today": today},
    )


def _start_form(viewer: User, data: Any = None, **kwargs: Any) -> StartForm:
    organisation_id = viewer.organisation_id
    return StartForm(
        data,
        learners=Learner.objects.filter(organisation_id=organisation_id),
        guardians=Guardian.objects.filter(organisation_id=organisation_id),
        # Staff who have left may ask too: their account is kept, not active.
        staff=User.objects.filter(organisation_id=organisation_id, staff__isnull=False),
        **kwargs,
    )


def _person_ids(form: StartForm) -> dict[str, int | None]:
    data = form.cleaned_data
    staff_user = data.get("staff")
    return {
        "learner_id": data["learner"].pk if data.get("learner") else None,
        "guardian_id": data["guardian"].pk if data.get("guardian") else None,
        "staff_id": staff_user.staff.pk if staff_user else None,
    }


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if request.method == "GET" or searching(request.POST):
        initial = kept_input(request.POST, StartForm) if request.method == "POST" else {}
        initial.setdefault("received_on", organisation_for(viewer).today())
        form = _start_form(viewer, initial=initial)
    else:
        form = _start_form(viewer, request.POST)
        if form.is_valid():
            try:
                made = services.subject_access_request_start(
                    actor=viewer,
                    received_on=form.cleaned_data["received_on"],
                    requester_note=form.cleaned_data["requester_note"],
                    **_person_ids(form),
                )
            except ValidationFailed as error:
                show_errors(
                    form, error, field_for=lambda name: "learner" if name == "person" else name
                )
            except NotFound as error:
                raise Http404(str(error)) from error
            else:
                messages.success(request, f"Request received: due by {made.due_on:%d/%m/%Y}.")
                return redirect("subject_access:detail", request_id=made.pk)
    return render(
        request,
        "subject_access/start.html",
        {"nav": "subject_access", "form": form},
        status=form_status(form),
    )


def _detail_page(
    request: HttpRequest,
    viewer: User,
    subject_request: SubjectAccessRequest,
    *,
    forms: dict[int, DecideForm] | None = None,
    release_form: ReleaseForm | None = None,
    add_form: AddPartyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = subject_request.organisation.today()
    parties = page_of(
        subject_request.third_parties.select_related("decided_by").order_by("kind", "name", "id"),
        request,
        per_page=PER_PAGE,
    )
    forms = forms or {}
    rows = [
        (
            party,
            forms.get(party.pk)
            or DecideForm(
                prefix=f"party{party.pk}",
                initial={
                    "decision": party.decision or None,
                    "exemption": party.exemption,
                    "reason": party.reason,
                },
            ),
        )
        for party in parties.rows
    ]
    counts = [
        (section["title"], len(section["items"]))
        for section in subject_request.gathered.get("sections", [])
    ]
    return render(
        request,
        "subject_access/detail.html",
        {
            "nav": "subject_access",
            "item": subject_request,
            "deadline": selectors.deadline_of(subject_request, today),
            "counts": counts,
            "parties": parties,
            "rows": rows,
            "undecided": subject_request.third_parties.filter(decision="").count(),
            "release_form": release_form or ReleaseForm(),
            "add_form": add_form or AddPartyForm(),
            "preview": [] if subject_request.released else selectors.preview_of(subject_request),
        },
        status=status,
    )


@login_required
@require_GET
def detail(request: HttpRequest, request_id: int) -> HttpResponse:
    viewer = _viewer(request)
    try:
        subject_request = selectors.request_for(viewer, request_id)
    except NotFound as error:
        raise Http404(str(error)) from error
    return _detail_page(request, viewer, subject_request)


def _acting(call: Any) -> Any:
    try:
        return call()
    except NotFound as error:
        raise Http404(str(error)) from error


@login_required
@require_POST
def prepare(request: HttpRequest, request_id: int) -> HttpResponse:
    viewer = _viewer(request)
    try:
        made = _acting(lambda: services.subject_access_prepare(actor=viewer, request_id=request_id))
    except ValidationFailed as error:
        messages.error(request, "; ".join(error.errors.values()).capitalize() + ".")
    else:
        messages.success(
            request,
            f"Prepared: {made.third_parties.count()} third parties found to decide on.",
        )
    return redirect("subject_access:detail", request_id=request_id)


@login_required
@require_POST
def decide(request: HttpRequest, request_id: int, party_id: int) -> HttpResponse:
    viewer = _viewer(request)
    form = DecideForm(request.POST, prefix=f"party{party_id}")
    if form.is_valid():
        try:
            party = _acting(
                lambda: services.subject_access_third_party_decide(
                    actor=viewer,
                    request_id=request_id,
                    third_party_id=party_id,
                    **form.cleaned_data,
                )
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            messages.success(request, f"{party.name}: {party.get_decision_display().lower()}.")
            return redirect("subject_access:detail", request_id=request_id)
    subject_request = _acting(lambda: selectors.request_for(viewer, request_id))
    return _detail_page(request, viewer, subject_request, forms={party_id: form}, status=400)


@login_required
@require_POST
def add_party(request: HttpRequest, request_id: int) -> HttpResponse:
    viewer = _viewer(request)
    form = AddPartyForm(request.POST)
    if form.is_valid():
        try:
            party = _acting(
                lambda: services.subject_access_third_party_add(
                    actor=viewer, request_id=request_id, **form.cleaned_data
                )
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            messages.success(request, f"{party.name} listed: decide on them below.")
            return redirect("subject_access:detail", request_id=request_id)
    subject_request = _acting(lambda: selectors.request_for(viewer, request_id))
    return _detail_page(request, viewer, subject_request, add_form=form, status=400)


@login_required
@require_POST
def disclose_staff(request: HttpRequest, request_id: int) -> HttpResponse:
    viewer = _viewer(request)
    try:
        count = _acting(
            lambda: services.subject_access_disclose_staff(actor=viewer, request_id=request_id)
        )
    except ValidationFailed as error:
        messages.error(request, "; ".join(error.errors.values()).capitalize() + ".")
    else:
        messages.success(request, f"{count} members of staff disclosed, acting in their role.")
    return redirect("subject_access:detail", request_id=request_id)


@login_required
@require_POST
def release(request: HttpRequest, request_id: int) -> HttpResponse:
    viewer = _viewer(request)
    form = ReleaseForm(request.POST)
    if form.is_valid():
        try:
            made = _acting(
                lambda: services.subject_access_release(actor=viewer, request_id=request_id)
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Released. SHA-256 {made.archive_sha256}.")
            return redirect("subject_access:detail", request_id=request_id)
    subject_request = _acting(lambda: selectors.request_for(viewer, request_id))
    return _detail_page(request, viewer, subject_request, release_form=form, status=400)


@login_required
@require_GET
def download(request: HttpRequest, request_id: int) -> HttpResponse:
    viewer = _viewer(request)
    made, content = _acting(lambda: selectors.released_export_for(viewer, request_id))
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{made.pk}.zip"'
    response["X-Content-SHA256"] = made.archive_sha256
    return response

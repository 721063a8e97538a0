"""File transfer pages (INC-8, LOG-2): the files sent and the files received, a page at a
time; sending a learner's file from their page; reviewing, accepting or declining a file sent
here; the package download, the sender's record of receipt, and the package import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chaperon.concerns.transfer_file import learner_of_concern
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.forms import form_status, show_errors
from chaperon.core.pagination import page_of
from chaperon.people.models import User
from chaperon.people.permissions import viewer_of

from . import services
from .forms import (
    AcceptForm,
    DeclineForm,
    DirectForm,
    ImportForm,
    PackageForm,
    ReceiptForm,
    SearchForm,
)
from .permissions import may_transfer
from .selectors import (
    imports_for,
    incoming_for,
    list_opened,
    outgoing_for,
    package_for,
    schools_matching,
    search_problem,
    send_page_for,
    transfer_for,
)

PER_PAGE = 25


def _concerns(count: int) -> str:
    return "1 concern is" if count == 1 else f"{count} concerns are"


def _viewer(request: HttpRequest) -> User:
    viewer = viewer_of(request)
    if not may_transfer(viewer):
        raise PermissionDenied("Only the DSL and deputies send and receive files.")
    return viewer


@login_required
@require_GET
def outgoing(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    listing = page_of(outgoing_for(viewer), request, per_page=PER_PAGE)
    list_opened(viewer, which="outgoing", shown=len(listing.rows))
    return render(request, "transfers/outgoing.html", {"nav": "transfers", "listing": listing})


@login_required
@require_GET
def incoming(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    listing = page_of(incoming_for(viewer), request, per_page=PER_PAGE)
    imports = page_of(imports_for(viewer), number=request.GET.get("imports_page"), per_page=25)
    list_opened(viewer, which="incoming", shown=len(listing.rows) + len(imports.rows))
    return render(
        request,
        "transfers/incoming.html",
        {"nav": "transfers", "listing": listing, "imports": imports},
    )


def _send_page(
    request: HttpRequest,
    viewer: User,
    learner_id: int,
    *,
    direct: DirectForm | None = None,
    package: PackageForm | None = None,
) -> HttpResponse:
    facts = send_page_for(viewer, learner_id)
    search = SearchForm(request.GET or None)
    term = request.GET.get("q", "")
    schools = schools_matching(viewer, term)
    if search.is_bound and search.is_valid() and (problem := search_problem(term)):
        search.add_error("q", problem)
    direct = direct or DirectForm(schools=schools)
    package = package or PackageForm()
    failed = any(form.is_bound and form.errors for form in (direct, package))
    return render(
        request,
        "transfers/send.html",
        {
            "nav": "transfers",
            "facts": facts,
            "search": search,
            "searched": bool(term),
            "schools": schools,
            "direct": direct,
            "package": package,
        },
        status=400 if failed else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def send(request: HttpRequest, learner_id: int) -> HttpResponse:
    viewer = _viewer(request)
    if request.method == "GET":
        return _send_page(request, viewer, learner_id)
    if request.POST.get("method") == "package":
        package = PackageForm(request.POST)
        if package.is_valid():
            try:
                sealed = services.transfer_send_package(
                    actor=viewer, learner_id=learner_id, **package.cleaned_data
                )
            except ValidationFailed as error:
                show_errors(package, error)
            else:
                # The only time the passphrase is ever shown: it is not kept.
                response = render(
                    request,
                    "transfers/sealed.html",
                    {
                        "nav": "transfers",
                        "transfer": sealed.transfer,
                        "passphrase": sealed.passphrase,
                    },
                )
                response["Cache-Control"] = "no-store"
                return response
        return _send_page(request, viewer, learner_id, package=package)
    schools = schools_matching(viewer, request.GET.get("q", ""))
    direct = DirectForm(request.POST, schools=schools)
    if direct.is_valid():
        try:
            transfer = services.transfer_send_direct(
                actor=viewer,
                learner_id=learner_id,
                receiving_organisation_id=direct.cleaned_data["receiving_organisation"],
            )
        except ValidationFailed as error:
            show_errors(direct, error)
        else:
            messages.success(request, f"File sent to {transfer.receiving_school}.")
            return redirect("transfers:detail", transfer.pk)
    return _send_page(request, viewer, learner_id, direct=direct)


@login_required
@require_GET
def send_from_concern(request: HttpRequest, concern_id: int) -> HttpResponse:
    """From a concern's page to the send page of the learner it is about."""
    viewer = _viewer(request)
    learner_id = learner_of_concern(viewer, concern_id)
    if learner_id is None:
        raise Http404("This concern is not about a learner on file.")
    return redirect("transfers:send", learner_id)


def _detail_page(
    request: HttpRequest,
    viewer: User,
    transfer_id: int,
    *,
    accept: AcceptForm | None = None,
    decline: DeclineForm | None = None,
    receipt: ReceiptForm | None = None,
) -> HttpResponse:
    shown = transfer_for(viewer, transfer_id)
    forms = {
        "accept": accept or AcceptForm(candidates=shown.candidates),
        "decline": decline or DeclineForm(),
        "receipt": receipt or ReceiptForm(),
    }
    return render(
        request,
        "transfers/detail.html",
        {"nav": "transfers", "shown": shown, "transfer": shown.transfer, **forms},
        status=max(form_status(form) for form in forms.values()),
    )


@login_required
@require_GET
def detail(request: HttpRequest, transfer_id: int) -> HttpResponse:
    return _detail_page(request, _viewer(request), transfer_id)


@login_required
@require_POST
def accept(request: HttpRequest, transfer_id: int) -> HttpResponse:
    viewer = _viewer(request)
    candidates = transfer_for(viewer, transfer_id).candidates
    form = AcceptForm(request.POST, candidates=candidates)
    if form.is_valid():
        try:
            transfer = services.transfer_accept(
                actor=viewer, transfer_id=transfer_id, learner_id=form.learner_id()
            )
        except ValidationFailed as error:
            show_errors(form, error, field_for=lambda name: "learner")
        else:
            messages.success(
                request,
                f"File accepted: {_concerns(transfer.concern_count)} now on "
                f"{transfer.received_learner.full_name if transfer.received_learner else ''}'s "
                "file.",
            )
            return redirect("transfers:detail", transfer.pk)
    return _detail_page(request, viewer, transfer_id, accept=form)


@login_required
@require_POST
def decline(request: HttpRequest, transfer_id: int) -> HttpResponse:
    viewer = _viewer(request)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.transfer_decline(
                actor=viewer, transfer_id=transfer_id, reason=form.cleaned_data["reason"]
            )
        except ValidationFailed as error:
            show_errors(form, error, field_for=lambda name: "reason")
        else:
            messages.success(request, "File declined: nothing of it was kept here.")
            return redirect("transfers:incoming")
    return _detail_page(request, viewer, transfer_id, decline=form)


@login_required
@require_POST
def receipt(request: HttpRequest, transfer_id: int) -> HttpResponse:
    viewer = _viewer(request)
    form = ReceiptForm(request.POST)
    if form.is_valid():
        try:
            services.transfer_receipt_record(
                actor=viewer, transfer_id=transfer_id, **form.cleaned_data
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            messages.success(request, "Receipt recorded.")
            return redirect("transfers:detail", transfer_id)
    return _detail_page(request, viewer, transfer_id, receipt=form)


@login_required
@require_GET
def package(request: HttpRequest, transfer_id: int) -> HttpResponse:
    transfer, content = package_for(_viewer(request), transfer_id)
    response = HttpResponse(content, content_type="application/octet-stream")
    response["Content-Disposition"] = (
        f'attachment; filename="child-protection-file-{transfer.pk}.chaperon-package"'
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_package(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["package"]
        try:
            imported = services.package_import(
                actor=viewer,
                package=upload.read(services.PACKAGE_MAX_BYTES + 1),
                passphrase=form.cleaned_data["passphrase"],
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            messages.success(
                request,
                f"Package from {imported.sending_school} imported: "
                f"{_concerns(imported.concern_count)} now on {imported.learner.full_name}'s file.",
            )
            return redirect("transfers:incoming")
    return render(
        request,
        "transfers/import.html",
        {"nav": "transfers", "form": form},
        status=form_status(form),
    )

"""The OneRoster import pages: upload an export, follow its check, see what it would change,
apply it and follow that. Thin: the work is in ``chaperon.people.roster`` and runs as background
tasks."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chaperon.core.exceptions import ValidationFailed
from chaperon.core.forms import Form

from .models import RosterImport
from .permissions import require, viewer_of
from .roles import Permission
from .roster import read_zip
from .roster.files import RosterFiles, UnreadableExport
from .roster.jobs import roster_import_apply_queue, roster_import_queue, roster_job_state
from .roster.service import access_roster_import, roster_imports_recent
from .tasks import ROSTER_LISTED


class RosterUploadForm(Form):
    file_name = ""
    file = forms.FileField(
        label="OneRoster export (zip)",
        help_text="The zip file your information system exports in OneRoster 1.2 CSV format.",
        widget=forms.FileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def clean_file(self) -> RosterFiles:
        upload: UploadedFile = self.cleaned_data["file"]
        self.file_name = upload.name or ""
        limit = settings.IMPORT_MAX_BYTES
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; the largest accepted is "
                f"{filesizeformat(limit)}."
            )
        try:
            return read_zip(upload.read(limit + 1))
        except UnreadableExport as error:
            raise forms.ValidationError(str(error)) from None


@login_required
@require_http_methods(["GET", "POST"])
def roster_upload(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    require(viewer, Permission.IMPORT_PEOPLE)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        pending = roster_import_queue(
            actor=viewer,
            organisation=viewer.organisation,
            files=form.cleaned_data["file"],
            source=form.file_name,
        )
        return redirect("people:roster_import", import_id=pending.pk)
    return render(
        request,
        "people/roster_upload.html",
        {"nav": "import", "form": form, "imports": roster_imports_recent(viewer)},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_GET
def roster_import_page(request: HttpRequest, import_id: int) -> HttpResponse:
    """An export read: while the task worker checks or applies it, how far it has got; then
    what applying it would change (worked out when it was checked: applying checks again), or
    its counts and problems."""
    pending = access_roster_import(viewer_of(request), import_id)
    return render(
        request,
        "people/roster_import.html",
        {
            "nav": "import",
            "pending": pending,
            "state": roster_job_state(pending),
            "preview": pending.preview if pending.status == RosterImport.Status.PREVIEWED else None,
            "listed": ROSTER_LISTED,
        },
    )


@never_cache
@login_required
@require_GET
def roster_import_status(request: HttpRequest, import_id: int) -> JsonResponse:
    """The export's progress or outcome as JSON, polled by its page's script. Counts only."""
    pending = access_roster_import(viewer_of(request), import_id)
    return JsonResponse(roster_job_state(pending).as_json())


@login_required
@require_POST
def roster_apply(request: HttpRequest, import_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    pending = access_roster_import(viewer, import_id)
    try:
        roster_import_apply_queue(actor=viewer, pending=pending)
    except ValidationFailed as error:
        messages.error(request, " ".join(error.errors.values()))
    return redirect("people:roster_import", import_id=pending.pk)

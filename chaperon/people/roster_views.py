"""The OneRoster import pages: upload an export, see what it would change, apply it. Thin:
the work is in ``chaperon.people.roster``."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chaperon.core.exceptions import ValidationFailed
from chaperon.core.forms import Form

from .models import RosterImport
from .permissions import require, viewer_of
from .roles import Permission
from .roster import RosterResult, read_zip, roster_import
from .roster.files import RosterFiles, UnreadableExport
from .roster.report import KINDS
from .roster.service import (
    access_roster_import,
    roster_import_apply,
    roster_import_record,
    roster_imports_recent,
)

LISTED = 50  # names shown per kind and change on the preview


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
        files = form.cleaned_data["file"]
        result = roster_import(actor=viewer, organisation=viewer.organisation, files=files)
        pending = roster_import_record(
            actor=viewer,
            organisation=viewer.organisation,
            files=files,
            result=result,
            source=form.file_name,
            keep_files=not result.refused,
        )
        return redirect("people:roster_import", import_id=pending.pk)
    return render(
        request,
        "people/roster_upload.html",
        {"nav": "import", "form": form, "imports": roster_imports_recent(viewer)},
        status=400 if form.is_bound and form.errors else 200,
    )


def _changes(result: RosterResult) -> list[dict[str, object]]:
    return [
        {
            "kind": kind,
            "ends": kind == "groups",
            "changes": getattr(result, kind),
            "created": getattr(result, kind).created[:LISTED],
            "updated": getattr(result, kind).updated[:LISTED],
            "left": getattr(result, kind).left[:LISTED],
        }
        for kind in KINDS
    ]


@login_required
@require_GET
def roster_import_page(request: HttpRequest, import_id: int) -> HttpResponse:
    """An export read: while it waits, what applying it would change now (worked out again
    each time the page is opened); once applied or refused, its counts and problems."""
    viewer = viewer_of(request)
    pending = access_roster_import(viewer, import_id)
    preview = None
    if pending.status == RosterImport.Status.PREVIEWED and pending.content:
        preview = roster_import(
            actor=viewer, organisation=viewer.organisation, files=dict(pending.content)
        )
    return render(
        request,
        "people/roster_import.html",
        {
            "nav": "import",
            "pending": pending,
            "preview": preview,
            "changes": _changes(preview) if preview else [],
            "listed": LISTED,
        },
    )


@login_required
@require_POST
def roster_apply(request: HttpRequest, import_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    pending = access_roster_import(viewer, import_id)
    try:
        result = roster_import_apply(actor=viewer, pending=pending)
    except ValidationFailed as error:
        messages.error(request, " ".join(error.errors.values()))
    else:
        if result.refused:
            messages.error(request, "Not imported: the records changed since the preview.")
        else:
            messages.success(request, "Imported. The changes shown are made.")
    return redirect("people:roster_import", import_id=pending.pk)

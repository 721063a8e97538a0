"""Import pages: upload a CSV file, then follow its import to the result. Thin: the work is in
``chaperon.people.imports`` and runs as a background task."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from chaperon.core.forms import Choices, Form

from .imports import UnreadableFile, decode_csv
from .imports.formats import FORMATS
from .imports.jobs import access_import_job, import_job_create, import_job_state, import_jobs_recent
from .models import ImportKind
from .permissions import require, viewer_of
from .roles import Permission


class ImportUploadForm(Form):
    file_name = ""
    kind = forms.ChoiceField(
        label="What does the file hold?", choices=ImportKind.choices, widget=Choices
    )
    file = forms.FileField(
        label="CSV file",
        help_text="Saved as CSV UTF-8, with the column names on its first line.",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> str:
        """The file's text: refused when it is too large or not UTF-8 CSV."""
        upload: UploadedFile = self.cleaned_data["file"]
        self.file_name = upload.name or ""
        limit = settings.IMPORT_MAX_BYTES
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; the largest accepted is "
                f"{filesizeformat(limit)}. Split it into smaller files, each starting with the "
                "line of column names."
            )
        try:
            return decode_csv(upload.read(limit + 1))
        except UnreadableFile as error:
            raise forms.ValidationError(str(error)) from None


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    require(viewer, Permission.IMPORT_PEOPLE)
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            job = import_job_create(
                actor=viewer,
                kind=form.cleaned_data["kind"],
                file_name=form.file_name,
                text=form.cleaned_data["file"],
            )
            return redirect("people:import_job", job_id=job.pk)
    else:
        form = ImportUploadForm()
    return render(
        request,
        "people/import_upload.html",
        {
            "nav": "import",
            "form": form,
            "formats": list(FORMATS.values()),
            "jobs": import_jobs_recent(viewer),
        },
    )


@login_required
@require_GET
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = access_import_job(viewer_of(request), job_id)
    return render(
        request,
        "people/import_job.html",
        {"nav": "import", "job": job, "state": import_job_state(job)},
    )


@never_cache
@login_required
@require_GET
def import_job_status(request: HttpRequest, job_id: int) -> JsonResponse:
    """The job's progress or result as JSON, polled by the job page's script."""
    job = access_import_job(viewer_of(request), job_id)
    return JsonResponse(import_job_state(job).as_json())

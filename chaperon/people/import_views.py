from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    return render(request, "people/import_upload.html", {"nav": "import"})

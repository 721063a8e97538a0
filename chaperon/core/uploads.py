"""Uploads counted as they arrive, never read whole first.

``LimitedUploadHandler`` (``FILE_UPLOAD_HANDLERS``) holds each uploaded file in memory and counts
its bytes chunk by chunk. The moment a file passes the limit for its field it stops reading the
request altogether, so a huge body costs no more than the limit. A view names its fields' limits
with ``@upload_limits(field=bytes or a callable giving them)``; any other file may be as large as
``UPLOAD_MAX_BYTES`` (the largest any page accepts). The page then calls ``refuse_oversized`` to
name the field and its limit on the form, instead of whatever the form would say of a missing file.
"""

import io
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers, StopUpload
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat

Limit = int | Callable[[], int]
View = TypeVar("View", bound=Callable[..., Any])
_REFUSED = "_chaperon_uploads_refused"


def upload_limits(**limits: Limit) -> Callable[[View], View]:
    """Declare the largest file, in bytes, each named field of this view accepts."""

    def declare(view: View) -> View:
        view.upload_limits = limits  # type: ignore[attr-defined]
        return view

    return declare


def _limits_for(request: HttpRequest | None) -> dict[str, Limit]:
    match = getattr(request, "resolver_match", None)
    return dict(getattr(getattr(match, "func", None), "upload_limits", {}))


def _bytes(limit: Limit) -> int:
    return limit() if callable(limit) else limit


class LimitedUploadHandler(FileUploadHandler):
    """Each file in memory, up to the limit for its field; past it, the upload stops."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limits = _limits_for(request)
        self.limit = 0
        self.received = 0
        self.buffer: io.BytesIO | None = None

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, *args, **kwargs)
        self.limit = _bytes(self.limits.get(field_name, settings.UPLOAD_MAX_BYTES))
        if self.content_length is not None and self.content_length > self.limit:
            self._stop()
        self.received = 0
        self.buffer = io.BytesIO()
        raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.received > self.limit or self.buffer is None:
            self._stop()
        self.buffer.write(raw_data)  # type: ignore[union-attr]
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile | None:
        if self.buffer is None:
            return None
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )

    def _stop(self) -> None:
        self.buffer = None
        if self.request is not None:
            refused = getattr(self.request, _REFUSED, {})
            refused[self.field_name] = self.limit
            setattr(self.request, _REFUSED, refused)
        raise StopUpload(connection_reset=True)


def refused_uploads(request: HttpRequest) -> dict[str, int]:
    """The fields whose file was too large, with their limit in bytes."""
    return dict(getattr(request, _REFUSED, {}))


def refuse_oversized(request: HttpRequest, form: forms.BaseForm) -> None:
    """Put on ``form`` an error for each file that was stopped for being too large (the form
    is then invalid). Call it on a bound form before ``is_valid``."""
    refused = refused_uploads(request)
    if not refused:
        return
    form.full_clean()
    for field, limit in refused.items():
        message = (
            f"the file is larger than {filesizeformat(limit)}, the largest accepted here: "
            "choose a smaller file"
        )
        if field in form.fields:
            form.add_error(field, message)
        else:
            form.add_error(None, f"{field}: {message}")

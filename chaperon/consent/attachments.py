"""Evidence files (a scanned paper form, a saved reply email, a photo of a signed page):
PDF or image only, up to a few megabytes, recognised by their content rather than their name."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat

from chaperon.core.exceptions import ValidationFailed

from . import conf

# Leading bytes of each accepted type, with its extension and media type.
_SIGNATURES = (
    (b"%PDF-", ".pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", ".png", "image/png"),
    (b"\xff\xd8\xff", ".jpg", "image/jpeg"),
)
ACCEPTED = "a PDF, PNG, JPEG or WebP file"


@dataclass(frozen=True)
class EvidenceFile:
    name: str  # as the person who uploaded it named it, for showing only
    content: bytes
    suffix: str
    content_type: str


def _webp(content: bytes) -> bool:
    return content[:4] == b"RIFF" and content[8:12] == b"WEBP"


def evidence_file(*, name: str, content: bytes, field: str = "attachment") -> EvidenceFile:
    """Check an uploaded file; raise ``ValidationFailed`` naming ``field`` and the fix."""
    limit = conf.attachment_max_bytes()
    if not content:
        raise ValidationFailed({field: f"the file is empty; choose {ACCEPTED}"})
    if len(content) > limit:
        raise ValidationFailed(
            {
                field: f"the file is {filesizeformat(len(content))}; the largest accepted is "
                f"{filesizeformat(limit)}. Scan at a lower resolution or save it as a PDF."
            }
        )
    if _webp(content):
        return EvidenceFile(name[:255], content, ".webp", "image/webp")
    for signature, suffix, content_type in _SIGNATURES:
        if content.startswith(signature):
            return EvidenceFile(name[:255], content, suffix, content_type)
    raise ValidationFailed(
        {field: f"this is not {ACCEPTED}; save or scan it as a PDF and try again"}
    )


@dataclass(frozen=True)
class StoredFile:
    path: str  # in the default storage
    name: str
    content_type: str


@contextmanager
def stored(upload: EvidenceFile | None, *, organisation_id: int) -> Iterator[StoredFile | None]:
    """Save the file with the default storage, under a name nobody can guess, for the block
    that saves the row pointing at it; if the block fails, the file is removed again."""
    if upload is None:
        yield None
        return
    path = default_storage.save(
        f"consent/{organisation_id}/{uuid.uuid4().hex}{upload.suffix}", ContentFile(upload.content)
    )
    try:
        yield StoredFile(path, upload.name, upload.content_type)
    except BaseException:
        default_storage.delete(path)
        raise

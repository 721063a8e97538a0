"""Training certificates (ORG-3): a PDF or an image, up to a few megabytes, recognised by its
content rather than its name, saved under a name nobody can guess, as the evidence files of
consent are (``consent.attachments``)."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat

from chaperon.core.exceptions import ValidationFailed

CERTIFICATE_MAX_BYTES = 5 * 1024 * 1024
ACCEPTED = "a PDF, PNG, JPEG or WebP file"
# Leading bytes of each accepted type, with its extension and media type.
_SIGNATURES = (
    (b"%PDF-", ".pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", ".png", "image/png"),
    (b"\xff\xd8\xff", ".jpg", "image/jpeg"),
)


@dataclass(frozen=True)
class CertificateFile:
    name: str  # as the person who uploaded it named it, for showing only
    content: bytes
    suffix: str
    content_type: str


def certificate_file(
    *, name: str, content: bytes, field: str = "certificate_file"
) -> CertificateFile:
    """Check an uploaded certificate; raise ``ValidationFailed`` naming ``field`` and the fix."""
    if not content:
        raise ValidationFailed({field: f"the file is empty; choose {ACCEPTED}"})
    if len(content) > CERTIFICATE_MAX_BYTES:
        raise ValidationFailed(
            {
                field: f"the file is {filesizeformat(len(content))}; the largest accepted is "
                f"{filesizeformat(CERTIFICATE_MAX_BYTES)}. Scan it at a lower resolution or "
                "save it as a PDF."
            }
        )
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return CertificateFile(name[:255], content, ".webp", "image/webp")
    for signature, suffix, content_type in _SIGNATURES:
        if content.startswith(signature):
            return CertificateFile(name[:255], content, suffix, content_type)
    raise ValidationFailed({field: f"this is not {ACCEPTED}; save or scan it as a PDF"})


@contextmanager
def stored(upload: CertificateFile | None, *, organisation_id: int) -> Iterator[str]:
    """Save the file for the block that saves the row pointing at it (its path, or "" with no
    file); if the block fails, the file is removed again."""
    if upload is None:
        yield ""
        return
    path = default_storage.save(
        f"training/{organisation_id}/{uuid.uuid4().hex}{upload.suffix}",
        ContentFile(upload.content),
    )
    try:
        yield path
    except BaseException:
        default_storage.delete(path)
        raise

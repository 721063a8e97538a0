"""Documents given with a concern: PDF, plain text or Word (.docx) only, recognised by their
content as well as their declared type, and never carrying an image or a video (INC-5).

A file that is, declares itself as, or contains an image or a video is refused whole, before
anything is stored; so is anything not recognised. The person is told why (nobody stores,
copies or shares such imagery: describe it and say where it is instead).
"""

import io
import re
import uuid
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat

from chaperon.core.exceptions import ValidationFailed

from . import conf

ACCEPTED = "a PDF, a plain text file or a Word document (.docx)"
IMAGERY_REFUSED = (
    "images and videos are never accepted: do not copy, save or send them, even to us. "
    "Describe what you saw and say where it is instead; the DSL will secure it"
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "text/plain": "txt",
    DOCX_TYPE: "docx",
    "application/octet-stream": "",  # some browsers say nothing useful: judged by content
    "": "",
}
# Leading bytes of image and video formats.
_IMAGERY_SIGNATURES = (
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"BM",  # BMP
    b"II*\x00",  # TIFF
    b"MM\x00*",
    b"\x00\x00\x01\x00",  # ICO
    b"\x1a\x45\xdf\xa3",  # Matroska / WebM
    b"OggS",
    b"FLV",
    b"\x00\x00\x01\xba",  # MPEG
    b"\x00\x00\x01\xb3",
    b"8BPS",  # Photoshop
)
_RIFF_IMAGERY = (b"WEBP", b"AVI ", b"ANI ")
_ISO_BMFF_BRANDS = (b"ftyp",)  # MP4, MOV, HEIC, AVIF: "ftyp" at offset 4
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
_PDF_IMAGE = re.compile(rb"/Subtype\s*/Image|/BI\b|/JPXDecode|/DCTDecode")


@dataclass(frozen=True)
class ConcernFile:
    name: str
    content: bytes
    suffix: str
    content_type: str


def _is_imagery(content: bytes) -> bool:
    head = content[:16]
    if any(head.startswith(signature) for signature in _IMAGERY_SIGNATURES):
        return True
    if head[:4] == b"RIFF" and head[8:12] in _RIFF_IMAGERY:
        return True
    if b"<svg" in content[:4096].lower():  # an SVG image is text
        return True
    return head[4:8] in _ISO_BMFF_BRANDS


def _pdf_has_images(content: bytes) -> bool:
    if _PDF_IMAGE.search(content):
        return True
    for match in _PDF_STREAM.finditer(content):
        try:
            inflated = zlib.decompressobj().decompress(match.group(1), 50_000_000)
        except zlib.error:
            continue
        if _PDF_IMAGE.search(inflated):
            return True
    return False


def _docx_has_media(content: bytes) -> bool | None:
    """True if the Word document embeds media, None if it is not a Word document."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return None
    if "word/document.xml" not in names:
        return None
    return any(
        name.startswith(("word/media/", "word/embeddings/")) or "/media/" in name for name in names
    )


def _plain_text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _kind_of(content: bytes) -> str:
    """'pdf', 'docx' or 'txt' by content; raise if it is imagery or not recognised."""
    refused = ValidationFailed({"attachment": IMAGERY_REFUSED})
    if _is_imagery(content):
        raise refused
    if content.startswith(b"%PDF-"):
        if _pdf_has_images(content):
            raise refused
        return "pdf"
    if content.startswith(b"PK\x03\x04"):
        media = _docx_has_media(content)
        if media:
            raise refused
        if media is False:
            return "docx"
    elif _plain_text(content):
        return "txt"
    raise ValidationFailed({"attachment": f"this is not {ACCEPTED}; save it as a PDF"})


def concern_file(*, name: str, content: bytes, declared_type: str) -> ConcernFile:
    """Check one uploaded file; raise ``ValidationFailed`` on the ``attachment`` field."""
    declared = declared_type.split(";")[0].strip().lower()
    if declared.startswith(("image/", "video/")):
        raise ValidationFailed({"attachment": IMAGERY_REFUSED})
    if not content:
        raise ValidationFailed({"attachment": f"the file is empty; choose {ACCEPTED}"})
    limit = conf.attachment_max_bytes()
    if len(content) > limit:
        raise ValidationFailed(
            {
                "attachment": f"the file is {filesizeformat(len(content))}; the largest "
                f"accepted is {filesizeformat(limit)}"
            }
        )
    kind = _kind_of(content)
    if declared not in _ALLOWED_TYPES or _ALLOWED_TYPES[declared] not in ("", kind):
        raise ValidationFailed(
            {
                "attachment": f"the file's type ({declared}) does not match its content; "
                f"choose {ACCEPTED}"
            }
        )
    content_type = {"pdf": "application/pdf", "txt": "text/plain", "docx": DOCX_TYPE}[kind]
    return ConcernFile(name[:255], content, f".{kind}", content_type)


@contextmanager
def stored(upload: ConcernFile | None, *, organisation_id: int) -> Iterator[str]:
    """Save the checked file under a name nobody can guess for the block that records it;
    if the block fails, the file is removed again. Yields the path ('' for no file)."""
    if upload is None:
        yield ""
        return
    path = default_storage.save(
        f"concerns/{organisation_id}/{uuid.uuid4().hex}{upload.suffix}",
        ContentFile(upload.content),
    )
    try:
        yield path
    except BaseException:
        default_storage.delete(path)
        raise

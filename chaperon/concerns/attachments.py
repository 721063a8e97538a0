"""Documents given with a concern (INC-5): only their words are ever kept.

Whatever a file pretends to be, nothing of it is stored but the text a real parser takes out of
it (``extraction``), cleaned of anything a picture could be written as (``textonly``), and
written afresh as a plain UTF-8 text file under a heading that names where it came from. The
bytes that were sent are never written to storage, to a file or to the database: they live in
memory for the request only. A file with no words to take (an image, a video, a scan, anything
unknown) is refused whole, and the reporter is told to describe it instead.
"""

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat

from chaperon.core.exceptions import NotFound, ValidationFailed

from . import conf
from .extraction import NotText, docx_text, kind_of, pdf_text, plain_text, rtf_words
from .imagery import is_imagery, named_or_typed_as_imagery
from .textonly import ImageryInText, text_only

ACCEPTED = "a PDF, a plain text file or a Word document (.docx)"
DESCRIBE_INSTEAD = (
    "Describe what you saw in words in the form instead, and say where it is and who has "
    "seen it (see “If there are images or videos” on this page)"
)
IMAGERY_REFUSED = (
    "images and videos are never accepted: do not copy, save or send them, even to us. "
    + DESCRIBE_INSTEAD
)
TEXT_TYPE = "text/plain"
# The first line of every document Chaperon keeps: what follows it is text it made.
HEADING = "Text only, kept by Chaperon"
_KIND_LABELS = {"pdf": "a PDF", "docx": "a Word document", "txt": "a text file"}


@dataclass(frozen=True)
class ConcernFile:
    """A document as it is kept: its words only, as UTF-8 text."""

    name: str
    content: bytes
    suffix: str = ".txt"
    content_type: str = TEXT_TYPE


def _refused(message: str) -> ValidationFailed:
    return ValidationFailed({"attachment": message})


def safe_name(name: str) -> str:
    """A download name that cannot open as anything but text: the original stem, tamed, + .txt."""
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])
    stem = re.sub(r"[^A-Za-z0-9 _().-]+", "_", stem).strip(" ._")[:80]
    return f"{stem or 'document'}.txt"


def _words_of(content: bytes) -> tuple[str, str]:
    """The kind of document and its text; ``NotText`` if it has none to give."""
    kind = kind_of(content)
    if kind == "pdf":
        return kind, pdf_text(content)
    if kind == "docx":
        return kind, docx_text(content)
    if kind == "zip":
        raise NotText(f"this kind of file is not accepted: save it as {ACCEPTED}")
    text = plain_text(content)
    return "txt", rtf_words(text) if text.lstrip().startswith("{\\rtf") else text


def rebuild(*, name: str, content: bytes) -> ConcernFile:
    """The text-only document made from ``content``; raise ``NotText`` or ``ImageryInText``."""
    kind, words = _words_of(content)
    if words.startswith(HEADING):  # one of our own copies: keep its words, not a second heading
        words = words.split("\n\n", 1)[-1] if "\n\n" in words else ""
    text = text_only(words, markup=True)
    if not re.search(r"\w{2,}", text):
        raise NotText(
            "no words could be found in this file (a scan or a photo of a page is a picture)"
        )
    original = re.sub(r"[^\w .()-]+", "_", name)[:120]
    heading = (
        f"{HEADING} from “{original}” ({_KIND_LABELS[kind]}). Only its words were kept: "
        "pictures, layout and everything else in the file were never stored.\n\n"
    )
    return ConcernFile(safe_name(name), (heading + text + "\n").encode("utf-8"))


def concern_file(*, name: str, content: bytes, declared_type: str) -> ConcernFile:
    """The words of one uploaded file as the document to keep; raise ``ValidationFailed`` on
    the ``attachment`` field with what to do instead."""
    if named_or_typed_as_imagery(name, declared_type) or is_imagery(content):
        raise _refused(IMAGERY_REFUSED)
    if not content:
        raise _refused(f"the file is empty; choose {ACCEPTED}")
    limit = conf.attachment_max_bytes()
    if len(content) > limit:
        raise _refused(
            f"the file is {filesizeformat(len(content))}; the largest accepted is "
            f"{filesizeformat(limit)}"
        )
    try:
        return rebuild(name=name, content=content)
    except ImageryInText:
        raise _refused(IMAGERY_REFUSED) from None
    except NotText as reason:
        raise _refused(
            f"{reason}. Only the words of {ACCEPTED} are kept; you can also type them into "
            f"the description. Never send a picture. {DESCRIBE_INSTEAD}."
        ) from None


@contextmanager
def stored(upload: ConcernFile | None, *, organisation_id: int) -> Iterator[str]:
    """Save the text-only document under a name nobody can guess for the block that records
    it; if the block fails, the file is removed again. Yields the path ('' for no file)."""
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


def download(*, path: str, name: str) -> FileResponse:
    """A kept document as a download: text, under a name ending in .txt, never shown inline.
    A stored file that is not one of our text copies (kept before documents were rebuilt) is
    rebuilt on the way out, never sent as it is."""
    if not default_storage.exists(path):
        raise NotFound("This document was removed: it could not be kept as text.")
    with default_storage.open(path, "rb") as stored_file:
        content = stored_file.read()
    if not content.startswith(HEADING.encode()):
        try:
            content = rebuild(name=name, content=content).content
        except (NotText, ImageryInText):
            raise NotFound("This document could not be kept as text.") from None
    response = FileResponse(
        ContentFile(content),
        as_attachment=True,
        filename=safe_name(name),
        content_type=f"{TEXT_TYPE}; charset=utf-8",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response

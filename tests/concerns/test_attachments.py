"""No imagery, ever (INC-5): a document given with a concern is kept only as the words a real
parser takes out of it, rebuilt as plain text; whatever hides a picture ends with no picture
anywhere: not in storage, not in the database, not in the download."""

import json
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from chaperon.audit.models import AuditEvent
from chaperon.concerns.attachments import HEADING, concern_file
from chaperon.concerns.models import Concern, ConcernAttachment, ConcernEntry
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.models import EmailDelivery
from tests.conftest import Cast, signed_in

from . import documents as d
from .helpers import public_concern, stored_files

pytestmark = [pytest.mark.django_db, pytest.mark.clause("INC-5")]

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
PPTX_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"

# (name, content, declared type): each hides a picture; the words around it, if any, are kept.
KEPT_AS_WORDS = {
    "pdf with a hex-escaped image name": ("letter.pdf", d.PDF_HEX_ESCAPED_NAME, "application/pdf"),
    "pdf with an inline image": ("letter.pdf", d.PDF_INLINE_IMAGE, "application/pdf"),
    "pdf with an embedded file": ("letter.pdf", d.PDF_EMBEDDED_FILE, "application/pdf"),
    "pdf with an image in a form": ("letter.pdf", d.PDF_XOBJECT_AND_FORM, "application/pdf"),
    "pdf with javascript": ("letter.pdf", d.PDF_JAVASCRIPT, "application/pdf"),
    "pdf with a picture after it": ("letter.pdf", d.PDF_THEN_GIF, "application/pdf"),
    "docx with a picture outside word/media": (
        "letter.docx",
        d.docx([d.LETTER], extra={"word/pictures/p1.png": d.PNG, "custom/x.jpeg": d.JPEG}),
        DOCX_TYPE,
    ),
    "rtf with a picture": ("letter.txt", d.rtf_with_picture(), "text/plain"),
}
REFUSED = {
    "svg with a namespace prefix": ("drawing.txt", d.SVG_PREFIXED, "text/plain"),
    "svg after 4 KB of padding": ("notes.txt", d.SVG_PADDED, "text/plain"),
    "text with a data: image": ("notes.txt", d.TEXT_DATA_URI, "text/plain"),
    "text with a base64 jpeg": ("notes.txt", d.TEXT_BASE64_JPEG, "text/plain"),
    "html with an img data:": ("page.html", d.HTML_DATA_IMG, "text/html"),
    "ppm p3": ("notes.txt", d.ppm_p3(), "text/plain"),
    "png renamed .pdf": ("letter.pdf", d.PNG, "application/pdf"),
    "jpeg renamed .txt": ("notes.txt", d.JPEG, "text/plain"),
    "gif polyglot with a pdf": ("letter.pdf", d.GIF_PDF_POLYGLOT, "application/pdf"),
    "bmp as octet-stream": ("file", d.image("BMP"), "application/octet-stream"),
    "tiff": ("scan.pdf", d.image("TIFF"), "application/pdf"),
    "png declared as an image": ("photo.png", d.PNG, "image/png"),
    "svg declared as an image": ("a.svg", d.SVG_PREFIXED, "image/svg+xml"),
    "xlsx with a picture": ("sheet.xlsx", d.office_with_picture("xl/workbook.xml", XLSX_MAIN), ""),
    "pptx with a picture": (
        "slides.pptx",
        d.office_with_picture("ppt/presentation.xml", PPTX_MAIN),
        "",
    ),
    "zip": ("pictures.zip", d.zip_of_pictures(), "application/zip"),
    "scan with no words": ("scan.pdf", d.pdf(""), "application/pdf"),
}


def _report(**extra: object) -> dict[str, object]:
    return {
        "reporter_relation": "parent",
        "kind": "concern",
        "category": "not_sure",
        "description": "My son was sent something upsetting; the letter explains.",
        **extra,
    }


def _everything_kept() -> bytes:
    """Every byte kept about concerns: stored files and the rows that say what was reported."""
    files = b"".join(default_storage.open(path).read() for path in stored_files())
    rows = [
        *Concern.objects.values_list("description", "material_location", "seen_by"),
        *ConcernEntry.objects.values_list("summary", "text", "data"),
        *ConcernAttachment.objects.values_list("name", "content_type", "path"),
        *AuditEvent.objects.values_list("data", "reason"),
    ]
    return files + json.dumps(rows, default=str).encode()


def _post(client: Client, cast: Cast, name: str, content: bytes, declared: str) -> Any:
    upload = SimpleUploadedFile(name, content, content_type=declared)
    return client.post(
        reverse("report:for_organisation", args=[cast.organisation.slug]),
        _report(attachment=upload),
    )


@pytest.mark.parametrize("case", sorted(KEPT_AS_WORDS))
def test_a_document_hiding_a_picture_is_kept_as_its_words_only(
    cast: Cast, client: Client, case: str
) -> None:
    name, content, declared = KEPT_AS_WORDS[case]
    response = _post(client, cast, name, content, declared)
    assert response.status_code == 200, response.content.decode()[:2000]
    document = ConcernAttachment.objects.get()
    stored = default_storage.open(document.path).read()
    d.assert_text_only(stored)
    assert stored.startswith(HEADING.encode()) and d.LETTER.encode() in stored
    assert content not in stored and document.path.endswith(".txt")
    d.assert_text_only(_everything_kept())
    download = signed_in(cast.dsl).get(
        reverse("concerns:attachment", args=[document.concern_id, document.pk])
    )
    body = download.getvalue()
    d.assert_text_only(body)
    assert body == stored
    assert download["Content-Type"] == "text/plain; charset=utf-8"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Disposition"].endswith('.txt"')
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_picture_in_any_disguise_is_refused_and_nothing_is_kept(
    cast: Cast, client: Client, case: str
) -> None:
    name, content, declared = REFUSED[case]
    before_audit = AuditEvent.objects.count()
    response = _post(client, cast, name, content, declared)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Never send a picture" in html or "never accepted" in html
    assert "describe" in html.lower() and "If there are images or videos" in html
    assert not Concern.objects.exists() and not ConcernAttachment.objects.exists()
    assert not EmailDelivery.objects.exists() and stored_files() == set()
    assert AuditEvent.objects.count() == before_audit


@pytest.mark.parametrize(
    ("name", "content", "declared"),
    [
        ("letter.pdf", d.normal_letter_pdf(), "application/pdf"),
        ("letter.docx", d.docx(["Dear safeguarding team,", d.LETTER[24:]]), DOCX_TYPE),
        ("letter.docx", d.docx([d.LETTER]), "application/octet-stream"),
        ("letter.txt", d.LETTER.encode("utf-16"), "text/plain"),
    ],
)
def test_a_normal_letter_keeps_its_words(name: str, content: bytes, declared: str) -> None:
    kept = concern_file(name=name, content=content, declared_type=declared)
    text = kept.content.decode()
    assert " ".join(text.split()).endswith(" ".join(d.LETTER.split()[3:]))
    assert "Dear safeguarding team" in text
    assert kept.name == "letter.txt" and kept.content_type == "text/plain"
    d.assert_text_only(kept.content)


def test_the_refusal_says_what_to_do_instead() -> None:
    with pytest.raises(ValidationFailed) as refused:
        concern_file(name="photo.jpg", content=d.JPEG, declared_type="image/jpeg")
    message = refused.value.errors["attachment"]
    assert "never accepted" in message and "Describe what you saw" in message
    with pytest.raises(ValidationFailed) as no_words:
        concern_file(name="scan.pdf", content=d.pdf(""), declared_type="application/pdf")
    assert "no words could be found" in no_words.value.errors["attachment"]
    assert "Never send a picture" in no_words.value.errors["attachment"]


def test_an_image_uploaded_by_staff_is_refused_and_nothing_is_stored(cast: Cast) -> None:
    before = AuditEvent.objects.count()
    response = signed_in(cast.teacher).post(
        reverse("concerns:new"),
        {
            "kind": "concern",
            "category": "conduct",
            "description": "A learner showed me a picture another pupil had sent them.",
            "attachment": SimpleUploadedFile("picture.jpg", d.JPEG, content_type="image/jpeg"),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "images and videos are never accepted" in html
    assert "Do not delete them" in html  # the guidance is on the page where it matters
    assert not Concern.objects.exists() and not ConcernAttachment.objects.exists()
    assert not EmailDelivery.objects.exists() and stored_files() == set()
    assert AuditEvent.objects.count() == before


def test_a_document_is_opened_only_by_the_dsl_with_an_audit_row(cast: Cast) -> None:
    upload = concern_file(name="letter.pdf", content=d.normal_letter_pdf(), declared_type="")
    concern = public_concern(cast.organisation, attachment=upload)
    document = ConcernAttachment.objects.get(concern=concern)
    url = reverse("concerns:attachment", args=[concern.pk, document.pk])
    assert signed_in(cast.teacher).get(url).status_code == 404
    response = signed_in(cast.dsl).get(url)
    assert response.status_code == 200 and response.getvalue() == upload.content
    assert AuditEvent.objects.filter(
        action="concern_attachment_opened", actor_id=cast.dsl.pk
    ).exists()


def _legacy(cast: Cast, name: str, content: bytes) -> ConcernAttachment:
    """A document stored as it was sent, the way documents were kept before."""
    concern = public_concern(cast.organisation)
    path = default_storage.save(f"concerns/{cast.organisation.pk}/old-{name}", ContentFile(content))
    return ConcernAttachment.objects.create(
        concern=concern, path=path, name=name, content_type="application/pdf", size=len(content)
    )


def test_documents_stored_before_are_never_served_raw_and_are_made_safe(cast: Cast) -> None:
    letter = _legacy(cast, "letter.pdf", d.PDF_INLINE_IMAGE)
    picture = _legacy(cast, "photo.pdf", d.PNG)
    dsl = signed_in(cast.dsl)
    served = dsl.get(reverse("concerns:attachment", args=[letter.concern_id, letter.pk]))
    body = served.getvalue()
    d.assert_text_only(body)
    assert d.LETTER.encode() in body
    assert (
        dsl.get(reverse("concerns:attachment", args=[picture.concern_id, picture.pk])).status_code
        == 404
    )

    call_command("make_concern_documents_safe")

    d.assert_text_only(_everything_kept())
    assert d.LETTER.encode() in default_storage.open(letter.path).read()
    assert not default_storage.exists(picture.path)
    assert AuditEvent.objects.filter(action="concern_attachment_rebuilt").count() == 1
    removed = AuditEvent.objects.get(action="concern_attachment_removed")
    assert removed.object_id == str(picture.concern_id)
    assert ConcernEntry.objects.filter(
        concern=picture.concern, summary__contains="removed"
    ).exists()
    call_command("make_concern_documents_safe")  # again: nothing more changes
    assert AuditEvent.objects.filter(action__startswith="concern_attachment_re").count() == 2

"""No imagery, ever (INC-5): images and videos are refused by their declared type and by their
content, before anything is stored; documents are kept with the concern."""

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chaperon.audit.models import AuditEvent
from chaperon.concerns.attachments import DOCX_TYPE, concern_file
from chaperon.concerns.models import Concern, ConcernAttachment
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.models import EmailDelivery
from tests.conftest import Cast, signed_in

from .helpers import JPEG, MP4, PDF, PNG, public_concern, stored_files

pytestmark = [pytest.mark.django_db, pytest.mark.clause("INC-5")]


def _docx(*extra: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name in extra:
            archive.writestr(name, b"\x89PNG\r\n\x1a\n")
    return buffer.getvalue()


IMAGE_PDF = PDF.replace(b"<< /Type /Catalog >>", b"<< /Type /XObject /Subtype /Image >>")


@pytest.mark.parametrize(
    ("name", "content", "declared"),
    [
        ("photo.png", PNG, "image/png"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("clip.mp4", MP4, "video/mp4"),
        ("disguised.pdf", PNG, "application/pdf"),  # the content gives it away
        ("disguised.txt", JPEG, "text/plain"),
        ("renamed.pdf", PDF, "image/jpeg"),  # the declared type gives it away
        ("scan.pdf", IMAGE_PDF, "application/pdf"),  # a PDF carrying an image
        ("report.docx", _docx("word/media/image1.png"), DOCX_TYPE),
        ("drawing.txt", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "text/plain"),
    ],
)
def test_imagery_is_refused(name: str, content: bytes, declared: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        concern_file(name=name, content=content, declared_type=declared)
    assert "never accepted" in refused.value.errors["attachment"]


@pytest.mark.parametrize(
    ("name", "content", "declared", "kept_as"),
    [
        ("statement.pdf", PDF, "application/pdf", "application/pdf"),
        ("notes.txt", b"What I was told, in her words.", "text/plain", "text/plain"),
        ("log.docx", _docx(), DOCX_TYPE, DOCX_TYPE),
        ("notes.txt", b"Plain words", "application/octet-stream", "text/plain"),
    ],
)
def test_documents_are_accepted(name: str, content: bytes, declared: str, kept_as: str) -> None:
    assert concern_file(name=name, content=content, declared_type=declared).content_type == kept_as


def test_an_image_uploaded_by_staff_is_refused_and_nothing_is_stored(cast: Cast) -> None:
    before = AuditEvent.objects.count()
    before_files = stored_files()
    response = signed_in(cast.teacher).post(
        reverse("concerns:new"),
        {
            "kind": "concern",
            "category": "conduct",
            "description": "A learner showed me a picture another pupil had sent them.",
            "attachment": SimpleUploadedFile("picture.jpg", JPEG, content_type="image/jpeg"),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "images and videos are never accepted" in html
    assert "Do not delete them" in html  # the guidance is on the page where it matters
    assert not Concern.objects.exists() and not ConcernAttachment.objects.exists()
    assert not EmailDelivery.objects.exists()
    assert stored_files() == before_files
    assert AuditEvent.objects.count() == before


def test_a_document_is_kept_and_opened_only_by_the_dsl_with_an_audit_row(cast: Cast) -> None:
    upload = concern_file(name="statement.pdf", content=PDF, declared_type="application/pdf")
    concern = public_concern(cast.organisation, attachment=upload)
    document = ConcernAttachment.objects.get(concern=concern)
    assert default_storage.exists(document.path)
    url = reverse("concerns:attachment", args=[concern.pk, document.pk])
    assert signed_in(cast.teacher).get(url).status_code == 404
    response = signed_in(cast.dsl).get(url)
    assert response.status_code == 200 and response.getvalue() == PDF
    assert AuditEvent.objects.filter(
        action="concern_attachment_opened", actor_id=cast.dsl.pk
    ).exists()

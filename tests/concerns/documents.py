"""Files made in the tests: real images, and documents that hide them in every way we know of."""

import base64
import io
import re
import zipfile

from fpdf import FPDF
from PIL import Image

LETTER = "Dear safeguarding team, I am writing about messages my son received on Tuesday evening."


def image(kind: str) -> bytes:
    """A real 16 by 16 picture in the given Pillow format (PNG, JPEG, GIF, BMP, PPM, TIFF)."""
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 40, 90)).save(buffer, format=kind)
    return buffer.getvalue()


PNG = image("PNG")
JPEG = image("JPEG")
GIF = image("GIF")


def ppm_p3() -> bytes:
    pixels = " ".join("200 40 90" for _ in range(16 * 16))
    return f"P3\n16 16\n255\n{pixels}\n".encode()


# Every byte sequence that would show a picture, or part of one, had survived.
MAGIC = (
    b"\x89PNG",
    b"IHDR",
    b"\xff\xd8\xff",
    b"JFIF",
    b"GIF87a",
    b"GIF89a",
    b"%PDF",
    b"BM6",
    b"ftyp",
    b"<svg",
    b":svg",
    b"data:image",
    b"P3\n16",
    b"iVBORw0KGgo",  # base64 of a PNG's first bytes
    b"/9j/",  # base64 of a JPEG's first bytes
    b"89504e47",  # hex of a PNG's first bytes
)


def assert_text_only(data: bytes) -> None:
    """``data`` is UTF-8 text with no control characters and nothing of any picture."""
    text = data.decode("utf-8")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text)
    for magic in MAGIC:
        assert magic.lower() not in data.lower(), magic
    for picture in (PNG, JPEG, GIF):
        assert base64.b64encode(picture)[8:40] not in data
        assert picture.hex()[8:40].encode() not in data.lower()


def _stream(entries: bytes, data: bytes) -> bytes:
    return b"<< " + entries + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def pdf(
    words: str = LETTER,
    *,
    content_extra: bytes = b"",
    resources: bytes = b"",
    catalog: bytes = b"",
    objects: tuple[bytes, ...] = (),
) -> bytes:
    """A hand-made PDF: one page showing ``words``, with whatever else is given. Objects 1-5
    are the catalogue, pages, page, font and content; ``objects`` are numbered from 6."""
    content = b"BT /F1 12 Tf 72 700 Td (" + words.encode("latin-1") + b") Tj ET\n" + content_extra
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R"
        b" >> " + resources + b" >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        _stream(b"", content),
        *objects,
    ]
    out = b"%PDF-1.7\n"
    offsets = []
    for number, body in enumerate(bodies, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return out


def _jpeg_xobject(subtype: bytes = b"/Image") -> bytes:
    return _stream(
        b"/Type /XObject /Subtype " + subtype + b" /Width 16 /Height 16 /ColorSpace /DeviceRGB "
        b"/BitsPerComponent 8 /Filter /DCTDecode",
        JPEG,
    )


PDF_HEX_ESCAPED_NAME = pdf(
    content_extra=b"q 16 0 0 16 72 600 cm /P1 Do Q",
    resources=b"/XObject << /P1 6 0 R >>",
    objects=(_jpeg_xobject(b"/Im#61ge"),),
)
PDF_INLINE_IMAGE = pdf(
    content_extra=b"q 16 0 0 16 72 600 cm BI /W 16 /H 16 /CS /RGB /BPC 8 /F /DCT ID\n"
    + JPEG
    + b"\nEI Q"
)
PDF_EMBEDDED_FILE = pdf(
    catalog=b"/Names << /EmbeddedFiles << /Names [(photo.png) 6 0 R] >> >>",
    objects=(
        b"<< /Type /Filespec /F (photo.png) /EF << /F 7 0 R >> >>",
        _stream(b"/Type /EmbeddedFile /Subtype /image#2Fpng", PNG),
    ),
)
PDF_XOBJECT_AND_FORM = pdf(
    content_extra=b"q /Fm1 Do Q",
    resources=b"/XObject << /Fm1 6 0 R >>",
    objects=(
        _stream(
            b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /P1 7 0 R"
            b" >> /Font << /F1 4 0 R >> >>",
            b"BT /F1 12 Tf 72 650 Td (Inside the form.) Tj ET q 16 0 0 16 72 600 cm /P1 Do Q",
        ),
        _jpeg_xobject(),
    ),
)
PDF_JAVASCRIPT = pdf(
    catalog=b"/OpenAction << /S /JavaScript /JS (app.alert\\('hello'\\)) >>",
)


def normal_letter_pdf() -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("Helvetica", size=12)
    document.multi_cell(0, 8, LETTER)
    return bytes(document.output())


def docx(paragraphs: list[str], *, extra: dict[str, bytes] | None = None) -> bytes:
    """A Word document with these paragraphs, and any extra parts (pictures, wherever)."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="png" ContentType="image/png"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        archive.writestr(
            "word/document.xml", f'<w:document xmlns:w="{w}"><w:body>{body}</w:body></w:document>'
        )
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def office_with_picture(main_part: str, content_type: str) -> bytes:
    """An XLSX or PPTX (named by its main part and type) carrying a picture."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Override PartName="/{main_part}" ContentType="{content_type}"/></Types>',
        )
        archive.writestr(main_part, "<root>Sheet or slide words</root>")
        archive.writestr("xl/media/image1.png", PNG)
    return buffer.getvalue()


def zip_of_pictures() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.jpg", JPEG)
    return buffer.getvalue()


def rtf_with_picture() -> bytes:
    hexed = "\n".join(PNG.hex()[i : i + 64] for i in range(0, len(PNG.hex()), 64))
    return (
        "{\\rtf1\\ansi{\\fonttbl\\f0 Arial;}\\f0 " + LETTER + "\\par\n"
        "{\\pict\\pngblip\\picw16\\pich16\n" + hexed + "\n}}"
    ).encode()


SVG_PREFIXED = (
    b'<?xml version="1.0"?><x:svg xmlns:x="http://www.w3.org/2000/svg" width="16" height="16">'
    b'<x:rect width="16" height="16" fill="red"/></x:svg>'
)
SVG_PADDED = b" " * 4096 + b'\n<svg xmlns="http://www.w3.org/2000/svg"><circle r="8"/></svg>'
TEXT_DATA_URI = (
    f"{LETTER}\n<img src=data:image/png;base64,{base64.b64encode(PNG).decode()}>\n".encode()
)
HTML_DATA_IMG = (
    f'<html><body><p>{LETTER}</p><img src="data:image/jpeg;base64,'
    f'{base64.b64encode(JPEG).decode()}"></body></html>'.encode()
)
TEXT_BASE64_JPEG = f"{LETTER}\n{base64.b64encode(JPEG).decode()}\n".encode()
GIF_PDF_POLYGLOT = GIF + b"\n" + pdf()
PDF_THEN_GIF = pdf() + GIF

"""The words of a document, taken out with a real parser: PDF through pypdf, Word (.docx)
through its XML with defusedxml, plain text by its encoding. Nothing here keeps, draws or
decodes a picture: images, attachments, scripts and fonts of a document are never read.
Each function raises ``NotText`` with what to tell the reporter when there are no words to take.
"""

import io
import logging
import re
import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

PDF_MAX_PAGES = 300
# The largest part of a Word document read (its text, uncompressed); more is a zip bomb.
DOCX_PART_MAX_BYTES = 32 * 1024 * 1024

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOCUMENT = "/officeDocument"
_WORD_MAIN = "wordprocessingml.document.main+xml"
# Parts of a Word document that hold text the reader does not see: skipped with what is in them.
_SKIPPED = {f"{_W}{name}" for name in ("delText", "instrText", "delInstrText")} | {_MC_FALLBACK}


class NotText(Exception):
    """No words can be taken out of this file; ``str()`` says why, for the reporter."""


def kind_of(content: bytes) -> str:
    """'pdf', 'docx', 'zip' (another Office or zip file) or 'other', from the content alone."""
    if b"%PDF-" in content[:1024]:
        return "pdf"
    if content.startswith(b"PK\x03\x04"):
        return "docx" if _is_word(content) else "zip"
    return "other"


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a broken file is the reporter's, not ours
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):
            raise NotText("the PDF is protected by a password: save a copy without one")
        if len(reader.pages) > PDF_MAX_PAGES:
            raise NotText(f"the PDF has more than {PDF_MAX_PAGES} pages")
        return "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except NotText:
        raise
    except Exception:  # a hostile or broken file may trip anything in the parser
        raise NotText("the PDF could not be read") from None


def docx_text(content: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            part = _main_part(archive)
            with archive.open(part) as stream:
                xml = stream.read(DOCX_PART_MAX_BYTES + 1)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        raise NotText("the Word document could not be read") from None
    if len(xml) > DOCX_PART_MAX_BYTES:
        raise NotText("the Word document is too large once unpacked")
    try:
        root = ElementTree.fromstring(xml, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException):
        raise NotText("the Word document could not be read") from None
    return "".join(_docx_pieces(root))


def plain_text(content: bytes) -> str:
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if content.startswith(bom):
            content, chosen = content[len(bom) :], encoding
            break
    else:
        chosen = "utf-8"
    try:
        text = content.decode(chosen)
    except UnicodeDecodeError:
        raise NotText("this is not a text file") from None
    if "\x00" in text:
        raise NotText("this is not a text file")
    return text


_RTF_CONTROL = re.compile(r"\\(?:par|line)\b ?|\\[a-zA-Z]+-?\d* ?|\\'[0-9a-fA-F]{2}|\\.|[{}]")


def rtf_words(text: str) -> str:
    """The words of Rich Text: control words and groups' braces dropped, paragraphs kept."""
    return _RTF_CONTROL.sub(
        lambda match: "\n" if match[0].startswith(("\\par", "\\line")) else " ", text
    )


def _is_word(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            types = archive.read("[Content_Types].xml")[:1_000_000]
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return False
    return _WORD_MAIN.encode() in types


def _main_part(archive: zipfile.ZipFile) -> str:
    """The document's main part, as its package relationships name it."""
    try:
        rels = ElementTree.fromstring(archive.read("_rels/.rels")[:1_000_000], forbid_dtd=True)
    except (KeyError, ElementTree.ParseError, DefusedXmlException):
        return "word/document.xml"
    for relation in rels.iter(_RELS):
        if relation.get("Type", "").endswith(_OFFICE_DOCUMENT):
            return relation.get("Target", "").lstrip("/") or "word/document.xml"
    return "word/document.xml"


def _docx_pieces(root: Element) -> Iterator[str]:
    """The text of a WordprocessingML body in reading order, without recursion (a deeply nested
    hostile file cannot exhaust the stack)."""
    stack: list[tuple[Element, bool]] = [(root, False)]
    while stack:
        element, closing = stack.pop()
        if closing:
            if element.tag == f"{_W}p":
                yield "\n"
            continue
        if element.tag in _SKIPPED:
            continue
        if element.tag == f"{_W}t" and element.text:
            yield element.text
        elif element.tag == f"{_W}tab":
            yield "\t"
        elif element.tag in (f"{_W}br", f"{_W}cr"):
            yield "\n"
        stack.append((element, True))
        stack.extend((child, False) for child in reversed(element))

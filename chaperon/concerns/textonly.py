"""Text that cannot carry a picture (INC-5): what is kept of every document, and of every
free-text answer, given with a concern.

Words are kept. What is removed is everything a picture can be written as in text:
markup (an SVG drawing, an HTML page with its ``<img>``: only the words between the tags stay),
``data:`` addresses, base64 blobs, and any long run of characters with no word in it (hex, the
numbers of a plain Netpbm image, base32, ...). Each removal leaves a marker, so the reader knows
something was there. Where a removed piece decodes to an image or a video, the whole input is
refused instead (``ImageryInText``): the reporter is told never to send pictures.
"""

import base64
import binascii
import re
from urllib.parse import unquote_to_bytes

from .imagery import is_imagery

# Longest stretch of characters with no word in it that is kept. A picture written out as
# text needs far more (a thumbnail of 32 by 32 pixels is thousands of characters); a phone
# number, a date, a short code or a web address is far less.
DATA_RUN_CHARS = 160
# base64 blobs are removed from this length on, and hex from this many digits, even between
# words.
BASE64_CHARS = 100
HEX_DIGITS = 64
REMOVED = "[{length} characters of code or numbers removed: a document keeps only words]"
DATA_URI_REMOVED = "[a data: address was removed: a document keeps only words]"


class ImageryInText(Exception):
    """The text carries an image or a video written out as code (a data: address, base64)."""


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_MARKUP = re.compile(
    r"<!--.*?(?:-->|\Z)"  # comments
    r"|<!\[CDATA\[|\]\]>"
    r"|<[!?][^<>]*>"  # declarations, processing instructions
    r"""|</?[A-Za-z][\w.-]*(?::[\w.-]+)?(?:\s+(?:[^<>"']|"[^"]*"|'[^']*')*)?/?>""",
    re.DOTALL,
)
_DATA_URI = re.compile(
    r"data:\s*(?P<type>[\w.+-]*/?[\w.+-]*)(?P<params>(?:;[\w.+=-]*)*)\s*,(?P<data>[^\s\"'<>)]*)",
    re.IGNORECASE,
)
_BASE64 = re.compile(
    rf"[A-Za-z0-9+/_-]{{{BASE64_CHARS},}}={{0,2}}(?:\s*[A-Za-z0-9+/_-]{{16,}}={{0,2}})*"
)
_HEX = re.compile(rf"(?<![0-9A-Za-z])(?:[0-9A-Fa-f]{{2}}\s?){{{HEX_DIGITS // 2},}}")
_TOKEN = re.compile(r"\S+")
_EDGES = "\"'()[]{}<>.,;:!?«»\u201c\u201d\u2018\u2019\u2026*-\u2013\u2014"
_ASCII_WORD = re.compile("[A-Za-z]+(?:['\u2019-][A-Za-z]+)*")
_HEX_LETTERS = re.compile(r"[A-Fa-f]+")
_URL = re.compile(r"(?:https?://|www\.)\S{1,120}", re.IGNORECASE)


def text_only(text: str, *, markup: bool = False) -> str:
    """``text`` with everything that could carry a picture removed; raise ``ImageryInText``
    if any of it decodes to one. ``markup`` also reduces tags to the words between them
    (documents: a free-text answer keeps a stray ``<`` as typed)."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n"))
    text = _DATA_URI.sub(_checked_data_uri, text)
    text = _BASE64.sub(_checked_base64, text)
    text = _HEX.sub(_removed_hex, text)
    if markup:
        text = _MARKUP.sub(" ", text)
    text = _without_data_runs(text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _checked_data_uri(match: re.Match[str]) -> str:
    media = match["type"].lower()
    if media.startswith(("image/", "video/")):
        raise ImageryInText(media)
    data = match["data"]
    base64_encoded = ";base64" in match["params"].lower()
    decoded = _b64(data) if base64_encoded else unquote_to_bytes(data)
    if decoded is not None and is_imagery(decoded):
        raise ImageryInText("data: address")
    return DATA_URI_REMOVED


def _checked_base64(match: re.Match[str]) -> str:
    blob = "".join(match[0].split())
    if not re.search(r"[0-9+/_-]", blob):  # a long run of letters only: not base64 of data
        return match[0]
    decoded = _b64(blob)
    if decoded is not None and is_imagery(decoded):
        raise ImageryInText("base64")
    return REMOVED.format(length=len(match[0]))


def _removed_hex(match: re.Match[str]) -> str:
    if not re.search(r"\d", match[0]):
        return match[0]
    return REMOVED.format(length=len(match[0].strip())) + (" " if match[0][-1].isspace() else "")


def _b64(data: str) -> bytes | None:
    data = data.replace("-", "+").replace("_", "/").rstrip("=")
    try:
        return base64.b64decode(data + "=" * (-len(data) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def is_word(token: str) -> bool:
    """Whether a token reads as a word of some language rather than as code or numbers."""
    if _URL.fullmatch(token):
        return True
    core = token.strip(_EDGES)
    if not core:
        return False
    if not core.isascii():
        return sum(char.isalpha() for char in core) * 5 >= len(core) * 4
    if len(core) > 30 or not _ASCII_WORD.fullmatch(core):
        return False
    return not _HEX_LETTERS.fullmatch(core)


def _without_data_runs(text: str) -> str:
    """Remove each run of tokens with no word among them, once it reaches ``DATA_RUN_CHARS``."""
    pieces: list[str] = []
    kept_to = 0
    run_start: int | None = None
    run_end = 0
    for match in _TOKEN.finditer(text):
        if is_word(match[0]):
            if run_start is not None and run_end - run_start >= DATA_RUN_CHARS:
                pieces += [text[kept_to:run_start], REMOVED.format(length=run_end - run_start)]
                kept_to = run_end
            run_start = None
            continue
        if run_start is None:
            run_start = match.start()
        run_end = match.end()
    if run_start is not None and run_end - run_start >= DATA_RUN_CHARS:
        pieces += [text[kept_to:run_start], REMOVED.format(length=run_end - run_start)]
        kept_to = run_end
    pieces.append(text[kept_to:])
    return "".join(pieces)

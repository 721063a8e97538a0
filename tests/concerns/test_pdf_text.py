"""The tests' own reading of PDF text (``helpers.pdf_text``) keeps every stream whole."""

import itertools
import zlib

from .helpers import pdf_text


def test_a_compressed_stream_ending_in_a_carriage_return_is_still_read() -> None:
    # Compressed bytes are any bytes: find a page whose compressed drawing ends in "\r".
    for number in itertools.islice(itertools.count(1), 100_000):
        drawing = f"BT (Worry {number}: a long account) Tj ET".encode()
        compressed = zlib.compress(drawing)
        if compressed.endswith(b"\r"):
            break
    assert compressed.endswith(b"\r")
    head = b"<< /Filter /FlateDecode /Length " + str(len(compressed)).encode() + b" >>"
    pdf = b"%PDF-1.3\n" + head + b"\nstream\n" + compressed + b"\nendstream"

    assert pdf_text(pdf) == f"Worry {number}: a long account"

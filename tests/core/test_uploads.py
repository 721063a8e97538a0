"""Uploads are counted as they arrive: a huge body is never read past the limit of its field."""

import io

from django.core.handlers.wsgi import WSGIRequest

from chaperon.core.uploads import LimitedUploadHandler, refused_uploads

BOUNDARY = "chaperonboundary"
LIMIT = 1024 * 1024
DECLARED = 300 * 1024 * 1024


class EndlessUpload(io.RawIOBase):
    """A multipart body that claims 300 MiB: a field, then a file made on demand as it is read."""

    def __init__(self) -> None:
        self.head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="description"\r\n\r\n'
            f'Words\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name="attachment"; '
            f'filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n'
        ).encode()
        self.sent = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self.sent >= DECLARED:
            return 0
        size = min(len(buffer), DECLARED - self.sent)
        chunk = (self.head[self.sent :] if self.sent < len(self.head) else b"") or b"A" * size
        chunk = chunk[:size]
        buffer[: len(chunk)] = chunk
        self.sent += len(chunk)
        return len(chunk)


def test_a_huge_upload_stops_at_the_limit_of_its_field() -> None:
    body = EndlessUpload()
    request = WSGIRequest(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/report/",
            "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
            "CONTENT_LENGTH": str(DECLARED),
            "wsgi.input": io.BufferedReader(body),
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
        }
    )
    handler = LimitedUploadHandler(request)
    handler.limits = {"attachment": LIMIT}
    request.upload_handlers = [handler]
    assert request.POST["description"] == "Words"
    assert "attachment" not in request.FILES
    assert refused_uploads(request) == {"attachment": LIMIT}
    # Stopped within a few chunks of the limit: nowhere near the 300 MiB it claimed.
    assert body.sent < LIMIT + 4 * handler.chunk_size + len(body.head)
    assert handler.buffer is None  # nothing of it is held


def test_a_file_within_its_limit_is_kept_in_memory() -> None:
    content = b"words " * 1000
    payload = (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="attachment"; '
            f'filename="notes.txt"\r\nContent-Type: text/plain\r\n\r\n'
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    request = WSGIRequest(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/report/",
            "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
            "CONTENT_LENGTH": str(len(payload)),
            "wsgi.input": io.BytesIO(payload),
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
        }
    )
    upload = request.FILES.get("attachment")
    assert upload is not None
    assert upload.read() == content and refused_uploads(request) == {}
    assert not hasattr(upload, "temporary_file_path")  # never written to a temporary file

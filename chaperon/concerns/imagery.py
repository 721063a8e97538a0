"""Whether a file is plainly a picture or a video, so that the reporter is refused at once and
told never to send one. Safety never depends on this: a file it misses still keeps nothing but
the words taken out of it (``attachments``)."""

import re

_SIGNATURES = (
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",  # TIFF
    b"MM\x00*",
    b"\x00\x00\x01\x00",  # ICO
    b"\x1a\x45\xdf\xa3",  # Matroska / WebM
    b"OggS",
    b"FLV",
    b"\x00\x00\x01\xba",  # MPEG
    b"\x00\x00\x01\xb3",
    b"8BPS",  # Photoshop
    b"\xff\x0a",  # JPEG XL
    b"\x00\x00\x00\x0cjP  ",  # JPEG 2000
    b"qoif",
)
# Netpbm: "P1" to "P7", then the width and height (comments may come between).
_NETPBM = re.compile(rb"P[1-7]\s+(?:#[^\n]*\n\s*)*\d+\s+\d+")
_SVG = re.compile(rb"<(?:[\w.-]+:)?svg[\s>/]", re.IGNORECASE)
_RIFF = (b"WEBP", b"AVI ", b"ANI ")
_MEDIA_NAME = re.compile(
    r"\.(png|jpe?g|jfif|gif|bmp|tiff?|webp|hei[cf]|avif|svgz?|ico|psd|p[bgpn]m|jxl|jp2|raw|dng"
    r"|mp4|m4v|mov|avi|wmv|webm|mkv|3gp|flv|mpe?g|ogv)$",
    re.IGNORECASE,
)


def is_imagery(content: bytes) -> bool:
    head = content[:64]
    if any(head.startswith(signature) for signature in _SIGNATURES):
        return True
    if head.startswith(b"BM") and head[6:10] == b"\x00\x00\x00\x00":  # BMP, reserved zeros
        return True
    if _NETPBM.match(head.lstrip()):
        return True
    if head[:4] == b"RIFF" and head[8:12] in _RIFF:
        return True
    if head[4:8] == b"ftyp":  # MP4, MOV, HEIC, AVIF
        return True
    return _SVG.search(content[:1_048_576]) is not None


def named_or_typed_as_imagery(name: str, declared_type: str) -> bool:
    declared = declared_type.split(";")[0].strip().lower()
    return declared.startswith(("image/", "video/")) or _MEDIA_NAME.search(name) is not None

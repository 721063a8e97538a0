"""Family page links as the emails carry them."""

import re

from django.core import mail

_FAMILY = re.compile(r"https?://\S+?(/family/[^/\s]+/)")


def family_paths_in(text: object) -> list[str]:
    return _FAMILY.findall(str(text))


def family_path_sent_to(address: str) -> str:
    """The family page path in the last email sent to ``address``."""
    [*_, message] = [m for m in mail.outbox if address in m.to]
    paths = family_paths_in(message.body)
    assert len(paths) == 1, message.body
    [path] = paths
    return path

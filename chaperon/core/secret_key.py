import secrets
from pathlib import Path


def load_or_create_secret_key(path: Path) -> str:
    """The key kept in ``path``, made once (readable by its owner only) for a local install."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.touch(mode=0o600)
    path.write_text(key)
    return key

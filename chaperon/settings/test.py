"""Settings for the test suite: the same as production where it matters, faster where it is safe."""

import os
import tempfile
from pathlib import Path
from typing import cast

from chaperon.core.env import env_str

from .base import *  # noqa: F403
from .base import BASE_DIR

SECRET_KEY = "test-only-secret-key-not-for-any-deployed-system-0123456789"  # noqa: S105
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Argon2 with its production cost makes every sign-in in a test take a fraction of a second.
PASSWORD_HASHERS = ["chaperon.accounts.hashers.FastArgon2PasswordHasher"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

if str(DATABASES["default"]["ENGINE"]).endswith("sqlite3"):  # noqa: F405
    # A file, not memory: tests that run several processes share it.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")
    }
else:
    # The test run's own connections are not pooled: pytest-django's transactions and the
    # threads of live servers each keep a connection of their own. A server the tests start
    # (``chaperon serve``) uses its settings' pool like any other.
    cast(dict[str, object], DATABASES["default"]["OPTIONS"]).pop("pool", None)  # noqa: F405
    # The runner empties every table between tests with TRUNCATE, which the audit log refuses
    # unless the session allows it (audit migration 0004). Only test connections do.
    _options = cast(dict[str, str], DATABASES["default"].setdefault("OPTIONS", {}))  # noqa: F405
    _allow = "-c chaperon.allow_audit_truncate=on"
    _options["options"] = f"{_options.get('options', '')} {_allow}".strip()

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 (WhiteNoise looks here at start)

# Recordings vault: a key file for test runs, made if missing, and a vault folder per process.
VAULT_KEY_FILE = Path(tempfile.gettempdir()) / "chaperon-test-vault.key"
VAULT_CREATE_KEY = True
AUDIT_DIGEST_KEY_FILE = Path(tempfile.gettempdir()) / "chaperon-test-audit-digest.key"
AUDIT_DIGEST_CREATE_KEY = True
BACKUP_KEY_FILE = Path(tempfile.gettempdir()) / "chaperon-test-backup.key"
BACKUP_CREATE_KEY = True
VAULT_DIR = Path(
    env_str("VAULT_DIR", str(Path(tempfile.gettempdir()) / f"chaperon-vault-{os.getpid()}"))
)

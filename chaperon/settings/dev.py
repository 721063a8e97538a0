"""The embedded defaults of ``make run``: one machine, SQLite, plain HTTP on loopback."""

from chaperon.core.env import env_bool, env_str, mailers_from_env

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = env_bool("DEBUG", False)
# Served on http://127.0.0.1 by default, where a Secure cookie would never be sent back.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    from chaperon.core.secret_key import load_or_create_secret_key

    SECRET_KEY = load_or_create_secret_key(VAR_DIR / "secret_key")
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MAILERS = mailers_from_env(default_backend="chaperon.core.outbox_backend.OutboxBackend")
OUTBOX_PAGE = env_bool("OUTBOX_PAGE", True)

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 (WhiteNoise looks here at start)

# Recordings vault: the embedded defaults make the key file (0600) if it is missing.
VAULT_CREATE_KEY = True
AUDIT_DIGEST_CREATE_KEY = True
BACKUP_CREATE_KEY = True

"""Settings shared by every environment. Each value that varies is read from the environment."""

from pathlib import Path

from django.utils.csp import CSP

from chaperon.core.env import (
    SMTP_BACKEND,
    channel_layers,
    cores,
    database_from_url,
    env_bool,
    env_ice_servers,
    env_ice_transport_policy,
    env_int,
    env_list,
    env_networks,
    env_sfu,
    env_str,
    env_turn,
    env_url,
    mailers_from_env,
    sqlite_database,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("CHAPERON_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
# Where people reach this installation: links in email (join, consent, password) start with it.
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "ninja",
    # Chaperon's apps in the order of their layers, lowest first (README, "Layout"); each
    # imports only from those before it, as `lint-imports` checks.
    "chaperon.core",
    "chaperon.audit",
    "chaperon.people",
    "chaperon.accounts",
    "chaperon.policy",
    "chaperon.consent",
    "chaperon.sessions",
    "chaperon.records",
    "chaperon.recordings",
    "chaperon.concerns",
    "chaperon.rooms",
    "chaperon.families",
    "chaperon.api",
    "chaperon.deliveries",
    "chaperon.trusts",
    "chaperon.governance",
    "chaperon.retention",
    "chaperon.subject_access",
    "chaperon.transfers",
    "chaperon.demo",
    "chaperon.backups",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Below the user, above everything that may answer for a signed-in user.
    "chaperon.core.middleware.NoStoreMiddleware",
    "chaperon.accounts.middleware.SecondFactorMiddleware",
    # Staff sign the acceptable use agreement in force before anything else (ORG-2).
    "chaperon.governance.middleware.AcceptableUseMiddleware",
    "chaperon.people.middleware.OrganisationTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "chaperon.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "chaperon.urls"
ASGI_APPLICATION = "chaperon.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chaperon.people.context_processors.viewer",
            ],
        },
    },
]

_database_url = env_str("DATABASE_URL", "")
DATABASES = {
    "default": database_from_url(_database_url)
    if _database_url
    else sqlite_database(VAR_DIR / "chaperon.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = ["chaperon.accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "people:dashboard"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in protection: this many failures for one account (or from one address) within the
# window lock further attempts for the rest of the window.
SIGN_IN_MAX_FAILURES = env_int("SIGN_IN_MAX_FAILURES", 5, minimum=1)
SIGN_IN_LOCKOUT_MINUTES = env_int("SIGN_IN_LOCKOUT_MINUTES", 15, minimum=1)

# Sign-in with organisation accounts (OpenID Connect through mozilla-django-oidc; docs/sso.md).
# Each organisation's provider, client id, tenant and domains are kept with the organisation
# (``chaperon sso set``); its client secret only in a file, named here per organisation slug:
# SSO_CLIENT_SECRET_FILES="northgate=/etc/chaperon/sso-northgate,larkspur=/etc/chaperon/sso-l".
SSO_CLIENT_SECRET_FILES = {
    slug.strip(): Path(path.strip())
    for slug, _, path in (item.partition("=") for item in env_list("SSO_CLIENT_SECRET_FILES", []))
}
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso_callback"
OIDC_TIMEOUT = env_int("SSO_TIMEOUT_SECONDS", 10, minimum=1)
# Seconds of difference between the provider's clock and ours allowed for a token's times.
SSO_CLOCK_SKEW_SECONDS = 120

# Proxies whose X-Forwarded-For is believed (addresses or networks): the limits per address
# (sign-in, public reports) use the client address they report. None by default: the address
# that connected is the client's.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Uploaded files (consent evidence), never served directly: views check access and stream them.
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# Background work (docs/security.md, "Hardening: background work and health"). The task worker
# and the scheduler beat every HEARTBEAT_SECONDS; a task or email held by a process silent for
# TASK_LEASE_SECONDS is taken up again. The scheduler looks every SCHEDULER_INTERVAL_SECONDS.
HEARTBEAT_SECONDS = env_int("HEARTBEAT_SECONDS", 5, minimum=1)
TASK_LEASE_SECONDS = env_int("TASK_LEASE_SECONDS", 60, minimum=2)
SCHEDULER_INTERVAL_SECONDS = env_int("SCHEDULER_INTERVAL_SECONDS", 30, minimum=1)
# /healthz answers 503 when the worker's or the scheduler's last heartbeat is older than
# HEALTH_HEARTBEAT_MAX_AGE_SECONDS, or an alert (email of a purpose in HEALTH_ALERT_PURPOSES)
# has waited to be sent for longer than HEALTH_ALERT_MAX_WAIT_SECONDS.
HEALTH_HEARTBEAT_MAX_AGE_SECONDS = env_int("HEALTH_HEARTBEAT_MAX_AGE_SECONDS", 60, minimum=1)
HEALTH_ALERT_MAX_WAIT_SECONDS = env_int("HEALTH_ALERT_MAX_WAIT_SECONDS", 120, minimum=1)
HEALTH_ALERT_PURPOSES = env_list("HEALTH_ALERT_PURPOSES", ["concern_alert", "concern_escalation"])
# ``chaperon serve`` starts the worker and the scheduler again when one stops, after a wait that
# doubles from 1 s up to SERVE_RESTART_MAX_SECONDS; SERVE_RESTART=false leaves them stopped.
SERVE_RESTART = env_bool("SERVE_RESTART", True)
SERVE_RESTART_MAX_SECONDS = env_int("SERVE_RESTART_MAX_SECONDS", 60, minimum=1)

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
    }
}

MAILERS = mailers_from_env(default_backend=SMTP_BACKEND)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Chaperon <chaperon@localhost>")

# How long a consent request's link works, in days, and the largest evidence file staff attach.
CONSENT_LINK_DAYS = env_int("CONSENT_LINK_DAYS", 14, minimum=1)
# The normal retirement age the retention schedule keeps allegations about staff to (KCSIE).
RETENTION_RETIREMENT_AGE = env_int("RETENTION_RETIREMENT_AGE", 67, minimum=50)
CONSENT_ATTACHMENT_MAX_BYTES = env_int(
    "CONSENT_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024, minimum=1024
)

# How long a family page link (in every email to a parent or carer) works, in days.
FAMILY_LINK_DAYS = env_int("FAMILY_LINK_DAYS", 30, minimum=1)
# How many days before each board meeting the DSL is reminded to complete the report (ORG-6).
BOARD_MEETING_REMINDER_DAYS = env_int("BOARD_MEETING_REMINDER_DAYS", 14, minimum=1)

# Largest CSV accepted by the people import, in bytes.
# Where information systems drop their nightly OneRoster exports: one folder per organisation,
# named by its slug (empty: no scheduled import). See docs/import.md.
ONEROSTER_DROP_DIR = env_str("ONEROSTER_DROP_DIR", "")
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# The local mailbox page (/outbox/): on only for the embedded demo.
OUTBOX_PAGE = False

# ``chaperon serve`` (docs/deployment.md): ordinary HTTP from SERVE_HTTP_WORKERS sync worker
# processes (gunicorn; one more than the cores by default), WebSockets from SERVE_WS_PROCESSES
# ASGI processes (uvicorn; one by default).
SERVE_HTTP_WORKERS = env_int("SERVE_HTTP_WORKERS", cores() + 1, minimum=1)
SERVE_WS_PROCESSES = env_int("SERVE_WS_PROCESSES", 1, minimum=1)
# Live rooms (docs/rooms.md). WebSocket fan-out: the in-memory layer serves one ASGI process;
# with more, or with CHANNEL_REDIS_URL set, Redis (redis://127.0.0.1:6379/0 unless named).
CHANNEL_REDIS_URL = env_str("CHANNEL_REDIS_URL", "")
CHANNEL_LAYERS = channel_layers(CHANNEL_REDIS_URL, asgi_processes=SERVE_WS_PROCESSES)
# STUN servers for the browsers, as the JSON list RTCPeerConnection takes (entries with a
# username or credential are refused: TURN comes from the settings below). Empty: host
# candidates only, which is enough on one network or loopback.
ROOM_ICE_SERVERS = env_ice_servers("ROOM_ICE_SERVERS")
# TURN (docs/rooms.md): each person admitted to a room gets a credential of the TURN REST
# shared-secret scheme, made from ROOM_TURN_SECRET (or ROOM_TURN_SECRET_FILE), valid for
# ROOM_TURN_CREDENTIAL_MINUTES (180; at most 360), for the servers in ROOM_TURN_URLS.
ROOM_TURN_URLS, ROOM_TURN_SECRET, ROOM_TURN_CREDENTIAL_MINUTES = env_turn(
    "ROOM_TURN_URLS", "ROOM_TURN_SECRET", "ROOM_TURN_CREDENTIAL_MINUTES"
)
# Janus as the SFU of group sessions (docs/rooms.md, "Classes on an SFU (Janus)"): its HTTP
# API, Admin API and WebSocket API (on loopback or a private network only), the Admin API's
# admin_secret and the VideoRoom plugin's admin_key (each also from a _FILE). Unset
# ROOM_SFU_HTTP_URL: no SFU, the rooms stay a browser mesh. `chaperon serve` sets them all for
# the Janus it starts itself when Debian's janus is installed and ROOM_SFU_HTTP_URL is unset.
(
    ROOM_SFU_HTTP_URL,
    ROOM_SFU_ADMIN_URL,
    ROOM_SFU_WS_URL,
    ROOM_SFU_ADMIN_SECRET,
    ROOM_SFU_ROOM_ADMIN_KEY,
) = env_sfu("ROOM_SFU")
# "relay": every call goes through TURN, so that nobody in a call learns another's network
# address (needs ROOM_TURN_URLS); "all": direct where the networks allow.
ROOM_ICE_TRANSPORT_POLICY = env_ice_transport_policy(
    "ROOM_ICE_TRANSPORT_POLICY", has_turn=bool(ROOM_TURN_URLS)
)
# Only ICE candidates with this address are offered or accepted (empty: all). Tests and
# benchmarks on one machine set 127.0.0.1 so that media never leaves loopback.
ROOM_ICE_ONLY_ADDRESS = env_str("ROOM_ICE_ONLY_ADDRESS", "")
# The door opens this many minutes before a session's start (and shuts at its end, or the end
# the host extended it to).
ROOM_OPENS_MINUTES_BEFORE = env_int("ROOM_OPENS_MINUTES_BEFORE", 15, minimum=0)
# Wrong passcodes allowed per join link within ROOM_PASSCODE_WINDOW_MINUTES.
ROOM_PASSCODE_ATTEMPTS = env_int("ROOM_PASSCODE_ATTEMPTS", 5, minimum=1)
ROOM_PASSCODE_WINDOW_MINUTES = env_int("ROOM_PASSCODE_WINDOW_MINUTES", 15, minimum=1)
# While recording: a participant with no media chunk for this long has a gap in their track.
ROOM_TRACK_GAP_SECONDS = env_int("ROOM_TRACK_GAP_SECONDS", 3, minimum=1)
# What the room's recorder writes recordings to (a class; the tests name a fake of their own).
ROOM_RECORDING_VAULT = "chaperon.rooms.services.recorder.RecordingsVault"

# Recordings vault (REC-1, REC-8, LOG-2): media encrypted under VAULT_DIR, each recording's data
# key wrapped by the key-encryption key in VAULT_KEY_FILE (mode 0600, ours; never in the
# database). VAULT_STORAGE "local" keeps chunks in VAULT_DIR; the name of a STORAGES entry (an
# S3 bucket through django-storages) keeps them there instead. VAULT_KEY_WRAPPER names a
# callable returning a KeyWrapper (a cloud KMS, Vault) to use instead of the key file.
VAULT_DIR = Path(env_str("VAULT_DIR", str(VAR_DIR / "vault")))
VAULT_KEY_FILE = Path(env_str("VAULT_KEY_FILE", str(VAR_DIR / "vault" / "master.key")))
VAULT_PREVIOUS_KEY_FILES = [Path(name) for name in env_list("VAULT_PREVIOUS_KEY_FILES", [])]
VAULT_CREATE_KEY = False  # only the embedded defaults make a missing key file
VAULT_STORAGE = env_str("VAULT_STORAGE", "local")
VAULT_KEY_WRAPPER = env_str("VAULT_KEY_WRAPPER", "")

# Audit log digests (LOG-2, docs/audit.md): once a day the chain head is signed with the Ed25519
# key in AUDIT_DIGEST_KEY_FILE (beside the vault key, mode 0600, never in the database) and
# emailed to each organisation's safeguarding leads, so that the log is anchored outside the
# database. Only the embedded defaults make a missing key file.
AUDIT_DIGEST_KEY_FILE = Path(
    env_str("AUDIT_DIGEST_KEY_FILE", str(VAULT_KEY_FILE.parent / "audit-digest.key"))
)
AUDIT_DIGEST_CREATE_KEY = False

# Backups (docs/backups.md): `chaperon backup` writes them into BACKUP_DIR, sealed with the key
# in BACKUP_KEY_FILE (mode 0600; keep a copy apart from the backups, as with the vault's key).
# A backup is kept until the first recording in it is due for destruction, and at most
# BACKUP_KEEP_DAYS; `chaperon backup prune` deletes those past it, never the newest.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))
BACKUP_KEY_FILE = Path(env_str("BACKUP_KEY_FILE", str(VAULT_KEY_FILE.parent / "backup.key")))
BACKUP_CREATE_KEY = False
BACKUP_KEEP_DAYS = env_int("BACKUP_KEEP_DAYS", 35, minimum=1)

# Concerns: minutes a new concern may wait for the DSL before it is escalated to senior
# leaders (and again every as many minutes until acknowledged); reports one address may send
# from the public report page in an hour; largest document attached to a concern.
CONCERN_ACKNOWLEDGE_MINUTES = env_int("CONCERN_ACKNOWLEDGE_MINUTES", 30, minimum=1)
CONCERN_REPORTS_PER_HOUR = env_int("CONCERN_REPORTS_PER_HOUR", 10, minimum=1)
CONCERN_ATTACHMENT_MAX_BYTES = env_int(
    "CONCERN_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024, minimum=1024
)
# Public reports kept while the database is down: encrypted under the vault's key, in this
# folder, until replayed (docs/concerns.md, "When the database is down").
CONCERN_SPOOL_DIR = Path(env_str("CONCERN_SPOOL_DIR", str(VAR_DIR / "spool" / "concerns")))

# Uploads (chaperon.core.uploads): every file is counted as it arrives and held in memory only
# up to the limit for its field (or UPLOAD_MAX_BYTES, the largest any page accepts); past it the
# upload stops and the page names the field and the limit. Form fields other than files may
# take DATA_UPLOAD_MAX_MEMORY_SIZE together. A request body is held in memory up to
# FILE_UPLOAD_MAX_MEMORY_SIZE (a report with the largest document fits) and never read past
# UPLOAD_MAX_BYTES plus that.
UPLOAD_MAX_BYTES = max(IMPORT_MAX_BYTES, CONSENT_ATTACHMENT_MAX_BYTES, CONCERN_ATTACHMENT_MAX_BYTES)
FILE_UPLOAD_HANDLERS = ["chaperon.core.uploads.LimitedUploadHandler"]
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = CONCERN_ATTACHMENT_MAX_BYTES + 1024 * 1024

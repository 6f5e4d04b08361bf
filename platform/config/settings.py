"""One settings module for every environment; they differ only by environment variables.

Variables (all optional on a developer machine; production must set the starred ones):
  DJANGO_SECRET_KEY*      signing key (a throwaway one is generated for DEBUG runs)
  DJANGO_SECRET_KEY_FILE  file holding the key when the variable is unset (default var/secret_key)
  DJANGO_DEBUG            1 for development pages and tracebacks (default 0)
  DJANGO_ALLOWED_HOSTS*   comma-separated host names (default localhost,127.0.0.1)
  DJANGO_HTTPS            1 behind TLS: secure cookies, HSTS and the HTTPS redirect
  DB_NAME DB_USER DB_PASSWORD DB_HOST DB_PORT   the PostGIS database
  TILE_URL                base-map tile template; empty for none (maps still draw our boundaries)
  GEOMETRY_TOLERANCE_M    how far (metres) input geometry may stray outside its unit (default 200)
  GEOMETRY_MAX_VERTICES   vertex limit for one input geometry (default 20000)
  UPLOAD_MAX_BYTES        limit for uploaded files and JSON bodies (default 10 MiB)
  UPLOAD_MAX_PIXELS       images above this many pixels are refused before decoding (default 40 000 000)
  IMPORT_MAX_MEMORY_MB IMPORT_MAX_CPU_SECONDS IMPORT_TIMEOUT_SECONDS IMPORT_MAX_EXPANDED_BYTES
  IMPORT_MAX_ENTRIES IMPORT_MAX_RATIO IMPORT_MAX_RECORDS IMPORT_MAX_OUTPUT_BYTES IMPORT_MAX_COLUMNS
  IMPORT_MAX_NAME_CHARS IMPORT_MAX_CELL_CHARS   limits of the file-parsing child (docs/SECURITY.md, "Reading files")
  EXPORT_TIMEOUT_SECONDS  wall-clock limit of one ogr2ogr run writing a layer download (default 60)
  DJANGO_PASSWORD_HASHER  dotted path of the first password hasher (tests use a fast one)
  DJANGO_LOG_LEVEL        root log level (default INFO)
  BACKUP_DIR              where district_backup and site_backup write (default var/backups)
  BACKUP_KEEP             how many whole-site backups site_backup keeps (default 7)
  LOGIN_FAILURE_LIMIT     failed logins before an account or an address is locked out (default 5)
  LOGIN_LOCKOUT_MINUTES   how long a lockout lasts (default 15)
  API_TOKEN_TTL_HOURS     lifetime of an API token (default 10)
  SESSION_IDLE_MINUTES    a signed-in session ends after this long without a request (default 30)
  EMAIL_HOST EMAIL_PORT EMAIL_HOST_USER EMAIL_HOST_PASSWORD EMAIL_USE_TLS EMAIL_USE_SSL DEFAULT_FROM_EMAIL
                          SMTP for password-reset mail; without EMAIL_HOST mail is written to var/mail/
  SITE_URL                the address in e-mails (default http://localhost:8000)
  REMINDER_DAYS_BEFORE    days before a due date when `send_reminders` writes (default 7,3,1)
  IDEMPOTENCY_KEY_DAYS    days an Idempotency-Key of a create is remembered (default 30; `idempotency_expire`)
  OFFLINE_SIMPLIFY_DEGREES  tolerance of the boundaries in the phone's offline bundle (default 0.0001, about 11 m)
  OFFLINE_PHOTO_MAX_EDGE  longest edge in px to which the phone resizes a photo before queueing it (default 1600)
  REMINDER_OVERDUE_EVERY_DAYS  an overdue item is recalled on its first day overdue and every this many days (default 7)
  COUNCIL_EVALUATION_DAYS the commune People's Council's evaluation of a half-year or year is due this many days after
                          that period's commune M&E report (default 15; Đ11.2)
  WEB_TIMEOUT             gunicorn's worker timeout in seconds, read by deploy/gunicorn.conf.py too (default 60)
  WEB_WORKERS WEB_THREADS gunicorn's gthread processes (default 3) and threads in each (default 4), read by deploy/gunicorn.conf.py
  DOCUMENT_PDF_TIMEOUT    seconds one LibreOffice conversion may take (default 40, capped at WEB_TIMEOUT - DOCUMENT_PDF_WAIT - 10)
  DOCUMENT_PDF_SLOTS DOCUMENT_PDF_WAIT DOCUMENT_PDF_RETRY_AFTER DOCUMENT_PDF_CACHE_ENTRIES
                          conversions at once (2), seconds to wait for a slot (0: answer at once), Retry-After of the busy 503 (10),
                          PDFs kept in the cache (500); docs/OPERATIONS.md, "Documents as PDF"
  DOCUMENT_SAME_WAIT      seconds a request waits for the same document another request is making (default DOCUMENT_PDF_TIMEOUT)
  DOCUMENT_WAITERS        requests of one process that may wait so at once; one more is a 503 (default WEB_THREADS - 2)
  RETRY_AFTER_S           Retry-After of the 503 answered while the database is unreachable (default 30)
  DB_REPLICA_HOST DB_REPLICA_PORT DB_REPLICA_NAME   a streaming replica for the province's and the public's reads
                          (all three set: alias `replica`; absent: every read on the primary; docs/OPERATIONS.md, "Streaming replica")
  REPLICA_MAX_LAG_SECONDS reads fall back to the primary when the replica's replay lag exceeds this (default 30)
  REPLICA_READS           0 keeps every read on the primary although the replica is configured (default 1)
"""
import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name)
    try:
        return int(value) if value not in (None, "") else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


DEBUG = env_bool("DJANGO_DEBUG")
SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    # Local runs: deploy/up and deploy/test write var/secret_key once. Production sets the variable.
    key_file = Path(env("DJANGO_SECRET_KEY_FILE") or BASE_DIR / "var" / "secret_key")
    if key_file.exists():
        SECRET_KEY = key_file.read_text().strip()
    elif DEBUG:
        SECRET_KEY = secrets.token_urlsafe(50)
    else:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is not set (deploy/up writes var/secret_key for local runs).")

ALLOWED_HOSTS = [h.strip() for h in env("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

HTTPS = env_bool("DJANGO_HTTPS")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_FAILURE_VIEW = "accounts.errors.csrf_failure"  # the framed 403 page in the user's language, JSON on API routes
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SHARED_APPS = [
    "django_tenants",
    "tenants",
    "geo",
    "accounts",
    "core",
    "province",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django.contrib.gis",
    "rest_framework",
    "knox",
    "axes",
    "rest_framework_gis",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "frontend",
    "fixtures",
    "files",
    "guidance",
    "offline",
]
# What a district writes lives in its own schema.
TENANT_APPS = [
    "django.contrib.contenttypes",
    "proposals",
    "plans",
    "investment",
    "monitoring",
    "duties",
    "idempotency",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.District"
TENANT_DOMAIN_MODEL = "tenants.DistrictDomain"
TENANT_SUBFOLDER_PREFIX = "d"
PUBLIC_SCHEMA_NAME = "public"
# Issue `SET search_path` once per schema change rather than before every query (django-tenants
# forgets it on set_tenant and on rollback). Safe without PgBouncer in transaction mode.
TENANT_LIMIT_SET_CALLS = True
# A new district's schema is copied from a migrated template schema (tenants/template.py) instead of
# running every tenant migration: well under a second instead of several.
DISTRICT_SCHEMA_FROM_TEMPLATE = env_bool("DISTRICT_SCHEMA_FROM_TEMPLATE", True)
# `migrate_schemas` skips the district schemas that have nothing to apply and replays the SQL Django
# emits for the first district on the others (tenants/migration.py); 0: every schema by Django's path.
GET_EXECUTOR_FUNCTION = "tenants.migration.executor_for"
TENANT_BASE_MIGRATE_COMMAND = "tenants.migration.MigrateCommand"
DISTRICT_MIGRATION_REPLAY = env_bool("DISTRICT_MIGRATION_REPLAY", True)
# First: opted-in views read the streaming replica, and no migration ever runs there (geo/replica.py).
DATABASE_ROUTERS = ("geo.replica.ReplicaRouter", "django_tenants.routers.TenantSyncRouter")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost after security: it hashes and compresses the final body of layer answers only.
    "geo.middleware.LayerAnswerMiddleware",
    "csp.middleware.CSPMiddleware",
    "frontend.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tenants.middleware.DistrictSubfolderMiddleware",  # django-tenants' by path, the public tenant kept per process
    "accounts.sessions.SessionMiddleware",  # Django's; a `session_free` answer leaves an unread session alone
    "frontend.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.DistrictAccessMiddleware",
    # A plain-text 503 reached from a page's link (a busy PDF) is the framed page for a browser (accounts/errors.py).
    "accounts.errors.FramedUnavailableMiddleware",
    "geo.params.QueryParamsMiddleware",
    # After the tenant and the user are known: where an opted-in view's reads go, and the X-Read-From/X-Replica-Lag headers.
    "geo.replica.ReplicaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it turns a login refused for a locked-out account or address into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls_district"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frontend.context.platform",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "geo.tenant_backend",
        "NAME": env("DB_NAME", "sedp"),
        "USER": env("DB_USER", "sedp"),
        "PASSWORD": env("DB_PASSWORD", "sedp"),
        "HOST": env("DB_HOST", "127.0.0.1"),
        "PORT": env("DB_PORT", "5432"),
        "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
        # No JIT compilation: PostGIS declares its geography functions costly, so the planner's estimate of the province's
        # distribution (ST_Area over every commune) passed jit_above_cost and PostgreSQL spent 3 of the 3.5 s of a first page
        # of 500 communes compiling it (EXPLAIN ANALYZE, 705 districts); no statement of this platform runs long enough to win it back.
        # docs/GIS.md, "Generalised boundaries and cold answers".
        "OPTIONS": {"options": "-c jit=off"},
        "TEST": {"NAME": env("DB_TEST_NAME", "test_" + env("DB_NAME", "sedp"))},
    }
}
if env("DB_REPLICA_HOST") and env("DB_REPLICA_PORT") and env("DB_REPLICA_NAME"):
    DATABASES["replica"] = {
        # django-tenants' backend (search_path per tenant) that never creates, flushes or drops a database.
        "ENGINE": "geo.replica_backend",
        "NAME": env("DB_REPLICA_NAME"),
        "USER": env("DB_USER", "sedp"),
        "PASSWORD": env("DB_PASSWORD", "sedp"),
        "HOST": env("DB_REPLICA_HOST"),
        "PORT": env("DB_REPLICA_PORT"),
        "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
        # A replica that is down is noticed in 2 s, and the read goes to the primary.
        "OPTIONS": {"connect_timeout": 2, "options": "-c jit=off"},  # no JIT, as on the primary
        # The replica receives the primary's test database; the backend only points the alias at it.
        "TEST": {"NAME": DATABASES["default"]["TEST"]["NAME"], "DEPENDENCIES": ["default"]},
    }
REPLICA_MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 30)
REPLICA_READS = env_bool("REPLICA_READS", True)
ORIGINAL_BACKEND = "django.contrib.gis.db.backends.postgis"

CACHES = {
    "default": {
        # The rate limits' counters (accounts/limits.py), and nothing else: shared by every gunicorn worker (a
        # per-process cache let each worker count its own limit), with no service beside PostgreSQL; the table lives in
        # public, on every district's search_path. Past MAX_ENTRIES Django's DatabaseCache deletes live entries in key
        # order, so no answer is kept here: tiles sharing the table culled the counters (a few hundred distinct tiles
        # reset every limit).
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "sedp_cache",
        # Keys carry the schema name, so one district never reads another's cache.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "OPTIONS": {"MAX_ENTRIES": env_int("LIMIT_CACHE_ENTRIES", 100_000), "CULL_FREQUENCY": 3},
    },
    # Answers kept under the data version (province.selectors: class breaks and distribution pages; province.tiles:
    # tiles), shared by the workers. Bounded: past ANSWER_CACHE_ENTRIES expired entries go, then a third of the rest.
    # An UNLOGGED table (UNLOGGED_CACHES): a lost entry is only built again, and its writes then skip the WAL's flush.
    "answers": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "sedp_answer_cache",
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "OPTIONS": {"MAX_ENTRIES": env_int("ANSWER_CACHE_ENTRIES", 5_000), "CULL_FREQUENCY": 3},
    },
    # The PDFs of official documents, keyed by a hash of the document's content (geo/documents.py); its own table so that
    # culling old PDFs never drops a rate-limit counter. Bounded: past MAX_ENTRIES a third of the oldest go.
    "documents": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "sedp_document_cache",
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "OPTIONS": {"MAX_ENTRIES": env_int("DOCUMENT_PDF_CACHE_ENTRIES", 500), "CULL_FREQUENCY": 3},
    },
}
# The caches whose tables `manage.py createcachetable` (geo/management/commands/createcachetable.py) makes UNLOGGED:
# rebuilt answers only, never the rate limits' counters. PostgreSQL empties an unlogged table after a crash and does
# not send it to replicas (the cache is always read on the primary: geo.replica.PRIMARY_ONLY_APPS).
UNLOGGED_CACHES = ("answers", "documents")

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    env("DJANGO_PASSWORD_HASHER", "django.contrib.auth.hashers.PBKDF2PasswordHasher"),
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account or address before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins (login page, token endpoint, admin) are counted in the database, so every worker
# sees them: per account and, separately, per address (accounts.network.client_address).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A success does not wipe the count: axes would delete every failure from the same address too, so an
# attacker with an account of their own could reset a victim's count. Failures age out after the cool-off.
AXES_RESET_ON_SUCCESS = False
# A request refused during a lockout is not counted: otherwise one locked address could go on adding
# failures to every other account's count and keep the whole province locked out (found in review).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_CLIENT_IP_CALLABLE = "accounts.network.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_SENSITIVE_PARAMETERS = []
# API tokens (django-rest-knox): stored hashed, expire, revoked by logout; clients keep `Authorization: Token …`.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env_int("API_TOKEN_TTL_HOURS", 10)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
# A session ends after SESSION_IDLE_MINUTES without a request: every request pushes the expiry forward, written to the
# database at most once every SESSION_REFRESH_SECONDS when nothing else in the session changed (accounts/sessions.py).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ENGINE = "accounts.sessions"
SESSION_REFRESH_SECONDS = 60
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Password-reset mail: SMTP when EMAIL_HOST is set, else one file per message in var/mail/ (development).
EMAIL_HOST = env("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    # A stalled SMTP server must not hold a worker (the reset mail is sent inside the request).
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = BASE_DIR / "var" / "mail"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "khkt-xa@localhost")
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

RETRY_AFTER_S = env_int("RETRY_AFTER_S", 30)

# Reminders of the work inbox (accounts/management/commands/send_reminders.py, run daily by deploy/sedp-reminders.timer).
SITE_URL = env("SITE_URL", "http://localhost:8000")
try:
    REMINDER_DAYS_BEFORE = sorted({int(d) for d in env("REMINDER_DAYS_BEFORE", "7,3,1").split(",") if d.strip()}, reverse=True)
except ValueError as exc:
    raise ImproperlyConfigured("REMINDER_DAYS_BEFORE must be whole numbers separated by commas") from exc
REMINDER_OVERDUE_EVERY_DAYS = max(1, env_int("REMINDER_OVERDUE_EVERY_DAYS", 7))
COUNCIL_EVALUATION_DAYS = max(0, env_int("COUNCIL_EVALUATION_DAYS", 15))

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
# The project's catalogues outrank every third-party one: Django prefers LOCALE_PATHS (the first listed first) to any
# installed app's catalogue, and among apps the one listed first, so contrib.admin's "Bản ghi nhớ" won over the
# plans app's "Lịch sử" for "History" (issue 15). frontend first, then the project's apps in INSTALLED_APPS order.
PROJECT_DIR = Path(__file__).resolve().parent.parent
LOCALE_PATHS = [PROJECT_DIR / "frontend" / "locale"] + [
    PROJECT_DIR / app / "locale" for app in INSTALLED_APPS
    if app != "frontend" and "." not in app and (PROJECT_DIR / app / "locale").is_dir()]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Vietnamese formats everywhere: dd/mm/yyyy and "." as thousands separator.
FORMAT_MODULE_PATH = ["frontend.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# Browser libraries from npm (package.json; deploy/common.sh browser_libraries), served locally under /static/vendor/.
# Browser libraries from npm (package.json, installed by deploy/common.sh's browser_libraries), served locally.
# Only the folders that exist: an installed wheel, or a check run before `npm ci`, has none (and Django warns of a
# missing folder, staticfiles.W004).
STATICFILES_DIRS = [(prefix, folder) for prefix, folder in (
    ("vendor/sortablejs", BASE_DIR / "node_modules" / "sortablejs"),
    ("vendor/leaflet.vectorgrid", BASE_DIR / "node_modules" / "leaflet.vectorgrid" / "dist"),
    ("vendor/idb", BASE_DIR / "node_modules" / "idb" / "build"),
    ("vendor/jspdf", BASE_DIR / "node_modules" / "jspdf" / "dist"),
    ("vendor/html-to-image", BASE_DIR / "node_modules" / "html-to-image" / "dist"),
    ("vendor/flatpickr", BASE_DIR / "node_modules" / "flatpickr" / "dist"),
) if folder.is_dir()]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Browser libraries installed from npm by deploy/common.sh (browser_libraries), served as our own static files.

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

BACKUP_DIR = Path(env("BACKUP_DIR", str(BASE_DIR / "var" / "backups")))
BACKUP_KEEP = env_int("BACKUP_KEEP", 7)

UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Images above this many pixels are refused before they are decoded (a 40-megapixel RGBA image is 160 MB in memory).
UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 40_000_000)
# Photos taken on the offline capture page are resized on the phone to this longest edge (px, JPEG) before storing.
OFFLINE_PHOTO_MAX_EDGE = env_int("OFFLINE_PHOTO_MAX_EDGE", 1600)
# How long a create's Idempotency-Key is remembered (issue 16: a phone resending its offline queue); then swept.
IDEMPOTENCY_KEY_DAYS = env_int("IDEMPOTENCY_KEY_DAYS", 30)
# Tolerance in degrees of the boundaries in the offline bundle (/d/<slug>/api/me/offline/): about 11 m at 1e-4.
OFFLINE_SIMPLIFY_DEGREES = float(os.environ.get("OFFLINE_SIMPLIFY_DEGREES") or 0.0001)

GEOMETRY_TOLERANCE_M = env_int("GEOMETRY_TOLERANCE_M", 200)
GEOMETRY_MAX_VERTICES = env_int("GEOMETRY_MAX_VERTICES", 20000)
GEOMETRY_MAX_NESTING = env_int("GEOMETRY_MAX_NESTING", 2)

# Uploaded files are parsed in a child process (geo/jail.py) within these limits.
IMPORT_MAX_MEMORY_MB = env_int("IMPORT_MAX_MEMORY_MB", 1024)
IMPORT_MAX_CPU_SECONDS = env_int("IMPORT_MAX_CPU_SECONDS", 20)
IMPORT_TIMEOUT_SECONDS = env_int("IMPORT_TIMEOUT_SECONDS", 30)
EXPORT_TIMEOUT_SECONDS = env_int("EXPORT_TIMEOUT_SECONDS", 60)
IMPORT_MAX_EXPANDED_BYTES = env_int("IMPORT_MAX_EXPANDED_BYTES", 50 * 1000 * 1000)
IMPORT_MAX_ENTRIES = env_int("IMPORT_MAX_ENTRIES", 200)
IMPORT_MAX_RATIO = env_int("IMPORT_MAX_RATIO", 100)
# 1000: a proposals import runs ~25-40 rows/s on a loaded 2-core machine, so 1000 rows stay well under
# gunicorn's 60 s (docs/SECURITY.md, "Reading files"); larger files are split.
IMPORT_MAX_RECORDS = env_int("IMPORT_MAX_RECORDS", 1000)
IMPORT_MAX_OUTPUT_BYTES = env_int("IMPORT_MAX_OUTPUT_BYTES", 20 * 1000 * 1000)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 200)
IMPORT_MAX_NAME_CHARS = env_int("IMPORT_MAX_NAME_CHARS", 200)
IMPORT_MAX_CELL_CHARS = env_int("IMPORT_MAX_CELL_CHARS", 10000)

# Official documents (Decree 30/2020/NĐ-CP): a folder whose .docx templates replace the shipped ones
# (geo/templates/documents/; `manage.py document_templates DIR` copies them there to edit), and the
# LibreOffice binary that turns them into PDF (geo/documents.py, docs/OPERATIONS.md "Documents as PDF"): at most
# DOCUMENT_PDF_SLOTS conversions at once across the workers, a request waits DOCUMENT_PDF_WAIT s (default 0) for a slot (then 503
# with Retry-After), each conversion has DOCUMENT_PDF_TIMEOUT s, and the PDFs are cached by content.
# WEB_TIMEOUT is gunicorn's worker timeout (deploy/gunicorn.conf.py): the wait and the conversion must end before it, or
# gunicorn kills the worker instead of answering the 503, so the conversion's limit is capped below it.
DOCUMENT_TEMPLATES_DIR = env("DOCUMENT_TEMPLATES_DIR", "")
SOFFICE = env("SOFFICE", "soffice")
WEB_TIMEOUT = env_int("WEB_TIMEOUT", 60)
DOCUMENT_PDF_SLOTS = env_int("DOCUMENT_PDF_SLOTS", 2)
DOCUMENT_PDF_WAIT = env_int("DOCUMENT_PDF_WAIT", 0)  # 0: a request never holds a worker waiting (review rv15c)
DOCUMENT_PDF_RETRY_AFTER = env_int("DOCUMENT_PDF_RETRY_AFTER", 10)
DOCUMENT_PDF_TIMEOUT = max(1, min(env_int("DOCUMENT_PDF_TIMEOUT", 40), WEB_TIMEOUT - DOCUMENT_PDF_WAIT - 10))
# A request for a document another request is building or converting waits for it (geo/documents.py `one_at_a_time`).
DOCUMENT_SAME_WAIT = env_int("DOCUMENT_SAME_WAIT", DOCUMENT_PDF_TIMEOUT)
# At most this many requests of one process wait so at once: a thread stays free for /healthz (review rv15e).
DOCUMENT_WAITERS = env_int("DOCUMENT_WAITERS", max(1, env_int("WEB_THREADS", 4) - 2))

TILE_URL = env("TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
# Content-Security-Policy (django-csp) on every page: scripts only from our own static files, or inline
# with the request's nonce (django-leaflet's map widget in the admin reads request.csp_nonce); never
# 'unsafe-inline' or 'unsafe-eval' for scripts. Styles allow inline style attributes (Leaflet and the
# legends set them). Images may come from the base-map tile server. /api/docs/ (Swagger UI from
# drf-spectacular-sidecar, its start-up script served as a file by the split view) runs under it too.
_TILE_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(TILE_URL)) if TILE_URL else None
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"] + ([_TILE_ORIGIN] if _TILE_ORIGIN else []),
        # the tile server too: the map's PDF (frontend/js/maps.js, html-to-image) reads the tiles it embeds
        "connect-src": [SELF] + ([_TILE_ORIGIN] if _TILE_ORIGIN else []),
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
PERMISSIONS_POLICY = "geolocation=(self), camera=(), microphone=(), payment=(), usb=()"

LEAFLET_CONFIG = {
    "TILES": [(_("Base map"), TILE_URL, {"attribution": "© OpenStreetMap", "maxZoom": 19})] if TILE_URL else [],
    "DEFAULT_CENTER": (21.12, 106.1),
    "DEFAULT_ZOOM": 10,
    "MIN_ZOOM": 6,
    "MAX_ZOOM": 19,
    "RESET_VIEW": False,
    "PLUGINS": {"forms": {"auto-include": True}},
}

REST_FRAMEWORK = {
    # Token first: its `WWW-Authenticate: Token` makes "not signed in" a 401 on every API route (DRF answers 403
    # when the first class names no challenge); "signed in but not allowed" stays a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",  # knox's, refusing a key that cannot be one (review rv23b)
        "accounts.authentication.SessionAuthentication",  # DRF's, with its CSRF refusal in the user's language
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["geo.parsers.SafeJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "core.openapi.AutoSchema",
    # Every date-time in an answer: ISO 8601 in Asia/Ho_Chi_Minh with its offset (core.renderers; docs/API.md, "Events").
    "DEFAULT_RENDERER_CLASSES": ["core.renderers.JSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
    "EXCEPTION_HANDLER": "accounts.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SEDP commune planning platform API",
    "DESCRIPTION": "Participatory commune socio-economic development planning (Decision 07/2015/QĐ-UBND). "
    "Spatial lists are GeoJSON FeatureCollections in EPSG:4326, lon/lat.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_URLCONF": "config.urls_openapi",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # Swagger UI from the installed drf-spectacular-sidecar, served by whitenoise: /api/docs/ works offline.
    # Swagger UI lists the tags in this order (core.openapi tags each operation with its app, a plans view with its
    # step): sign-in and files first, then the commune's year in the order of Decision 07/2015's steps (proposals Đ5.1,
    # the cycle and its steps Đ3–Đ7), then investment, monitoring and the district and province views; operations
    # inside a tag by path, then method.
    "TAGS": [{"name": name, "description": description} for name, description in [
        ("accounts", "sign-in, tokens, users"), ("frontend", "the signed-in user's inbox"), ("tenants", "districts"), ("files", "checked downloads"),
        ("geo", "geometry checks, layers, OGC API Features, tiles"), ("proposals", "village and commune proposals (Đ5.1)"),
        ("plans: cycle", "the annual cycle and its steps (Đ3–Đ6)"), ("plans: team", "the planning team (Đ3, step 1)"),
        ("plans: orientation", "the district's orientation and envelopes (Đ5.2, step 2)"),
        ("plans: versions", "the draft, items, targets, versions (Đ5.3–Đ5.5, step 3)"),
        ("plans: consultation", "conferences and public comments (Đ5.3, Đ5.5)"),
        ("plans: feedback", "the district's comments and answers (Đ5.4, step 4)"),
        ("plans: approval", "the council resolution and the district's decision (Đ6)"),
        ("plans: implementation", "action programmes (Đ7)"), ("plans: exports", "documents to sign and layers"),
        ("plans: public", "the published plans (Đ6.3)"),
        ("investment: plans", "medium-term and annual public investment plans (Đ8, Đ16)"),
        ("investment: plan items", "the commune plan items the district weighs for investment"),
        ("investment: projects", "public investment projects, their allocations, disbursements and the Excel template"),
        ("investment: reviews", "review decisions and pinned notes on the map"),
        ("monitoring: me plan", "the commune's M&E plan and its dashboard (Đ9)"),
        ("monitoring: reports", "periodic reports of villages, commune units and the commune (Đ10–Đ11)"),
        ("monitoring: evaluation", "the People's Council's evaluations (Đ11.2)"),
        ("monitoring: supervision", "evidence photos and community supervision findings"),
        ("monitoring: progress import", "bulk disbursement and progress from a sheet"), ("guidance", "the province's library, training and communication (Đ12–Đ18)"),
        ("duties", "the district's inspections (Đ16.4) and difficulties raised (Đ19)"),
        ("province", "the province's rollups"), ("offline", "the offline bundle"), ("idempotency", "idempotency keys"),
    ]],
    "SWAGGER_UI_SETTINGS": {"operationsSorter": "alpha"},
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several choice sets share the field name `kind`: each gets its own enum name, not a hash (`--fail-on-warn`).
    "ENUM_NAME_OVERRIDES": {
        "CommuneUnitKindEnum": "proposals.models.CommuneUnit.Kind",
        "DepartmentPublicationKindEnum": "accounts.models.DepartmentPublication.Kind",
        "ImportRowStatusEnum": "geo.imports.ROW_STATUSES",
        "CapitalSourceEnum": "core.models.CapitalSource",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # With the time: failed logins (logger "axes") are read from this log with username, address and time.
    "formatters": {"timed": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "timed"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# GDAL 3.6 (Debian 12) cannot block file and network access from spatial references. Importers
# and administrators feed files to GDAL only inside the parsing jail; a user's GeoJSON `crs` member
# reaches GDAL only as an EPSG code or CRS84 (geo/crs.py). See docs/OPERATIONS.md, "Production" (security note).
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

"""Settings, read from the environment with safe local defaults (see the README's table)."""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from district_portal import env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.get_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env.get_bool("DEBUG", False)
SECRET_KEY = env.get_str("SECRET_KEY")
# Start-up outside the demo refuses a generated key (district_portal/production.py).
SECRET_KEY_GENERATED = SECRET_KEY is None
# The demo (`make run`, or the Docker image with SEED_DEMO=1) may run with demo accounts and a
# generated key; anything else is treated as a real deployment and refused those.
SEED_DEMO = env.get_bool("SEED_DEMO", False)
if SECRET_KEY is None:
    if not DEBUG and env.get_bool("REQUIRE_SECRET_KEY", False):
        raise env.SettingError("SECRET_KEY is not set: set it to a long random string.")
    # A local demo gets a key kept under var/, so sessions survive restarts.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        import secrets

        key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = key_file.read_text().strip()

# The district site answers on DISTRICT_HOST; school <slug> answers on <slug>.DISTRICT_HOST.
DISTRICT_HOST = env.get_host("DISTRICT_HOST", "localhost")
ALLOWED_HOSTS = [DISTRICT_HOST, f".{DISTRICT_HOST}", *env.get_list("ALLOWED_HOSTS", [])]
SITE_SCHEME = env.get_str("SITE_SCHEME", "http")
SITE_PORT = env.get_int("SITE_PORT", 8000)

# --- applications -------------------------------------------------------------------------
# `tenants` comes before `django_tenants` so that its migrate commands (which also migrate the
# template schema) take precedence over django-tenants' own.
SHARED_APPS = [
    "tenants",
    "django_tenants",
    # Before django.contrib.admin, so that our registration/ templates win over the admin's.
    "district_portal",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files for /api/docs/, served by the app (no CDN)
    "bootstrap",
    "django_htmx",
    "oversight",
    "inspections",
    "api",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "schools",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.School"
TENANT_DOMAIN_MODEL = "tenants.Domain"
# New schools are cloned from this schema, which every migrate brings up to date.
TENANT_BASE_SCHEMA = "school_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
# Send `SET search_path` only when the schema changes, not before every query.
TENANT_LIMIT_SET_CALLS = True
PUBLIC_SCHEMA_URLCONF = "district_portal.urls_district"
ROOT_URLCONF = "district_portal.urls_school"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]

AUTH_USER_MODEL = "tenants.User"

MIDDLEWARE = [
    # First, so that its one line per request also covers requests for unknown hosts.
    "district_portal.request_log.RequestLogMiddleware",
    "tenants.middleware.SchoolHostMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "district_portal.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "district_portal.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "district_portal.middleware.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "schools.privacy.middleware.GateConfirmationMiddleware",
    "api.idempotency.IdempotencyMiddleware",
    "tenants.middleware.SiteAccessMiddleware",
]

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
                "district_portal.context_processors.site",
                "schools.context_processors.school_nav",
            ],
        },
    },
]

WSGI_APPLICATION = "district_portal.wsgi.application"

# --- database -----------------------------------------------------------------------------
DATABASE_URL = env.get_url(
    "DATABASE_URL", ("postgres", "postgresql"), "postgres://user:password@127.0.0.1:5432/district"
)
EMBEDDED_POSTGRES = DATABASE_URL is None
if EMBEDDED_POSTGRES:
    from district_portal import embedded_db

    DATABASE_URL = embedded_db.start(VAR_DIR)
try:
    # Persistent connections (DB_CONN_MAX_AGE seconds) for the production server, which sets it in
    # gunicorn_conf.py: opening a connection per request costs more than many pages' queries.
    # Commands, tests and runserver keep 0.
    _db = dj_database_url.parse(
        DATABASE_URL,
        engine="django_tenants.postgresql_backend",
        conn_max_age=env.get_int("DB_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
except ValueError as exc:
    raise env.SettingError(
        f"DATABASE_URL is malformed ({exc}): use postgres://user:password@host:5432/db"
    ) from None
if not _db.get("NAME"):
    raise env.SettingError("DATABASE_URL names no database: end it with /<database name>.")
# A socket URI (postgresql://postgres:@/db?host=/path) carries its host in the query string.
if "?host=" in DATABASE_URL and not _db.get("HOST"):
    _db["HOST"] = DATABASE_URL.split("?host=", 1)[1].split("&", 1)[0]
# Each test run gets its own database, so two runs on one server (two developers, or a
# developer and CI) never drop each other's.
# make test-citus prepares its test database on every node beforehand and names it here.
_db["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or f"test_{_db['NAME']}_{os.getpid()}"}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache (also holds the host → school lookup, so it must be shared between processes) --
CACHE_URL = env.get_url("CACHE_URL", ("redis", "rediss", "file", "locmem"), "redis://127.0.0.1:6379/1")
if CACHE_URL and CACHE_URL.startswith("redis"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL and CACHE_URL.startswith("locmem"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    _cache_dir = CACHE_URL[len("file://") :] if CACHE_URL and CACHE_URL.startswith("file://") else ""
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": _cache_dir or str(VAR_DIR / "cache"),
        }
    }

# --- auth ---------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The password check refuses a locked account or client at every login door (the site's and the
# admin's) before the password is looked at.
AUTHENTICATION_BACKENDS = ["tenants.login_guard.LockoutBackend"]
# How many reverse proxies in front of the app append to X-Forwarded-For; the client address used
# for lock-outs and rate limits is the entry the outermost of them wrote (0: REMOTE_ADDR).
TRUSTED_PROXY_HOPS = env.get_int("TRUSTED_PROXY_HOPS", 0)
# How long an Idempotency-Key is remembered (api/idempotency.py).
IDEMPOTENCY_TTL_HOURS = env.get_int("IDEMPOTENCY_TTL_HOURS", 24)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = SITE_SCHEME == "https"
CSRF_COOKIE_SECURE = SITE_SCHEME == "https"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if SITE_SCHEME == "https":
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- e-mail -------------------------------------------------------------------------------
EMAIL_BACKEND = env.get_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.get_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.get_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.get_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.get_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.get_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env.get_str("DEFAULT_FROM_EMAIL", "noreply@localhost")

# --- language and time --------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "district_portal" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static files (all served by the app itself: intranets have no internet) --------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves from the finders; it only wants the folder
STATICFILES_DIRS = []
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "oversight.staticfiles.PlotlyFinder",  # plotly.min.js from the installed plotly package
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names + gzip/brotli copies, made by collectstatic (which `serve` runs first).
    "staticfiles": {"BACKEND": "district_portal.static_storage.StaticStorage"},
}
# Without a collectstatic (a fresh clone's tests, manage.py runserver) files come straight from
# the apps, unhashed; once the manifest exists whitenoise serves the collected, compressed files.
# With DEBUG on, files are found in the apps too, so a new file shows without a collectstatic.
WHITENOISE_USE_FINDERS = DEBUG or not (STATIC_ROOT / "staticfiles.json").exists()
# Hashed names change with their content, so whitenoise gives them a far-future, immutable
# cache; this is the cache of the few unhashed URLs (favicon, files named in scripts).
WHITENOISE_MAX_AGE = 3600
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# --- REST API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.SiteBoundTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.IfMatchJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "api.errors.handle",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "District anti-bullying oversight API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # /api/docs/ loads Swagger UI from our own static files (intranets have no internet).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.document_shared_responses",  # the one error shape, the Idempotency-Key header
    ],
    # Stable names where two choice sets share a field name (kind, status).
    "ENUM_NAME_OVERRIDES": {
        "ActivityKindEnum": "schools.models.ActivityKind",
        "DocumentKindEnum": "schools.models.DocumentKind",
        "TipStatusEnum": "schools.models.TipStatus",
        "HazardStatusEnum": "schools.models.HazardStatus",
        "SchoolKindEnum": "tenants.models.SchoolKind",
    },
}

# --- Celery -------------------------------------------------------------------------------
# With no broker configured, tasks travel through files under var/celery (kombu's filesystem
# transport), so the demo needs no server; production sets CELERY_BROKER_URL to Redis.
CELERY_BROKER_URL = env.get_url(
    "CELERY_BROKER_URL", ("redis", "rediss", "amqp", "filesystem", "memory"), "redis://127.0.0.1:6379/0"
)
if CELERY_BROKER_URL is None:
    CELERY_BROKER_URL = "filesystem://"
    _queue_dir = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env.get_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "purge-expired-counters": {
        "task": "tenants.tasks.purge_expired_counters",
        "schedule": crontab(hour=3, minute=17),
    },
    "deliver-pending-notices": {
        "task": "schools.tasks.deliver_pending_notices_everywhere",
        "schedule": crontab(minute="*/15"),
    },
    "phase-report-reminders": {
        "task": "oversight.tasks.send_phase_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    # Bureau staff hear of each serious-case deadline that passes without its report.
    "serious-case-deadlines": {
        "task": "oversight.serious_cases.tasks.notify_passed_deadlines",
        "schedule": crontab(minute="*/10"),
    },
    # Repairs any school refresh that was lost (broker down) and settles time-based figures.
    "reconcile-rollups": {
        "task": "oversight.rollups.reconcile_rollups",
        "schedule": crontab(minute=7),
    },
    # The worker's and beat's heartbeats that /healthz and doctor read.
    "heartbeat": {"task": "oversight.operations.heartbeat", "schedule": 60.0},
    "nightly-backup": {
        "task": "oversight.operations.nightly_backup",
        "schedule": crontab(hour=env.get_int("BACKUP_HOUR", 2), minute=30),
    },
    "expire-disclosures": {
        "task": "oversight.disclosures.tasks.expire_disclosures",
        "schedule": crontab(hour=2, minute=15),
    },
}
# E-mail that fails (SMTP down, refused) is retried with exponential back-off, then shown as failed.
EMAIL_MAX_RETRIES = env.get_int("EMAIL_MAX_RETRIES", 6)
EMAIL_RETRY_BACKOFF = env.get_int("EMAIL_RETRY_BACKOFF", 30)  # seconds before the first retry; doubles

# --- operations ---------------------------------------------------------------------------
BACKUP_DIR = Path(env.get_str("BACKUP_DIR", str(VAR_DIR / "backups")))
BACKUP_RETENTION_DAYS = env.get_int("BACKUP_RETENTION_DAYS", 14)
# /healthz fails when less than this is free on the disk holding var/ (backups, media, queue).
HEALTH_MIN_FREE_MB = env.get_int("HEALTH_MIN_FREE_MB", 500)
# A heartbeat older than this means the worker (or beat) is not running.
HEALTH_HEARTBEAT_MAX_AGE = env.get_int("HEALTH_HEARTBEAT_MAX_AGE", 300)

# One line per request (district_portal.request_log) and every error with its traceback, on
# stderr; LOG_FORMAT=json gives one JSON object a line for a log collector.
LOG_FORMAT = env.get_str("LOG_FORMAT", "text")
if LOG_FORMAT not in ("text", "json"):
    raise env.SettingError("LOG_FORMAT must be text or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "district_portal.request_log.RequestContextFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "district_portal.request_log.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request"]}
    },
    "root": {"handlers": ["console"], "level": env.get_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        "district_portal.requests": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Unhandled errors: the traceback goes here, the page shows only the 500 page.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# Demo and test conveniences
DEMO_PASSWORD = env.get_str("DEMO_PASSWORD", "demo-2022")
DISTRICT_NAME = env.get_str("DISTRICT_NAME", "新北区教育局")

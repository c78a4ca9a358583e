"""HeForShe platform settings.

One module, driven by environment variables. With no environment at all it
runs on embedded development defaults (SQLite, local-memory cache, Celery
tasks run in-process, email printed to the console, media on local disk).
Every variable is listed with a comment in `.env.example`.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(
            f"The environment variable {name} is required when DEBUG is false. "
            "See .env.example for what it should hold."
        )
    return value


DEBUG = env_bool("DEBUG", True)

# Where `make run` serves the site (HOST, PORT): links default to it when SITE_URL is not set.
RUN_HOST = env_str("HOST", "127.0.0.1")
RUN_PORT = env_int("PORT", 8000)

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", f"localhost,127.0.0.1,[::1],testserver,{RUN_HOST}")
    DATABASE_URL = env_str("DATABASE_URL")
else:
    SECRET_KEY = env_required("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or env_required("ALLOWED_HOSTS").split(",")
    DATABASE_URL = env_required("DATABASE_URL")


def _default_site_url(host: str, port: int) -> str:
    # A wildcard bind address is no address a browser can open: link to the loopback instead.
    if host in {"0.0.0.0", "::", "[::]", ""}:  # noqa: S104 - compared, not bound
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


# Public base URL of every generated link (emails, share buttons, referral links, QR codes, canonical tags).
SITE_URL = (env_str("SITE_URL") or _default_site_url(RUN_HOST, RUN_PORT)).rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "heforshe.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # full-text search fields; inert on SQLite
    "django.contrib.sites",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "heforshe",
    "partners",
    "pledges",
    "stories",
    # anymail has no models: it stays before the last app, whose post_migrate syncs the roles.
    "anymail",
    "actionkits",
    "solutions",
    "newsletters",
    "commitments",
    "giving",
    "champions",
    "events",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "heforshe.middleware.RequestBodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "heforshe.middleware.PermissionsPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "heforshe.urls"
WSGI_APPLICATION = "heforshe.wsgi.application"
ASGI_APPLICATION = "heforshe.asgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "heforshe.context_processors.site",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
if DATABASE_URL:
    import dj_database_url

    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            # WAL and a busy timeout let the dev server and in-process tasks share the file.
            "OPTIONS": {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery ------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "hfs"),
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL.startswith(("redis", "amqp")))
CELERY_TASK_EAGER_PROPAGATES = False
# Without a broker, slow tasks (transcoding) run in a thread rather than inside the request that queued them.
TASKS_EAGER_IN_BACKGROUND = env_bool("TASKS_EAGER_IN_BACKGROUND", CELERY_TASK_ALWAYS_EAGER)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
# A task is acknowledged only when it finished, so a killed worker's task is redelivered.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Every task names its queue (`queue=` on its decorator); only these two exist, and a worker
# started without -Q consumes both. See heforshe.lib.tasks for what goes where.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = {"default": {}, "media": {}}
CELERY_TASK_CREATE_MISSING_QUEUES = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request must never hang on a broken broker: publishing fails fast and the
# sweeper tasks below pick up rows whose task was never sent.
# The max_retries/interval_* options bound how long opening a channel retries
# (kombu's default is 5 s, which held every sign-up that long while Redis was down).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "visibility_timeout": 3600,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}

# --- Email --------------------------------------------------------------------
EMAIL_BACKEND_PATH = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
_smtp_options = (
    {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": env_int("EMAIL_TIMEOUT", 10),
    }
    if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend")
    else {}
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": _smtp_options}}
# A provider instead of SMTP: EMAIL_BACKEND=anymail.backends.<esp>.EmailBackend (amazon_ses, mailgun,
# postmark, sendgrid, brevo...) and its keys below. Their tracking webhooks post to /anymail/<esp>/tracking/,
# authenticated by the shared basic-auth secret and, where the provider signs, its signature.
ANYMAIL = {
    key: value
    for key, value in {
        "WEBHOOK_SECRET": env_str("ANYMAIL_WEBHOOK_SECRET"),
        "MAILGUN_API_KEY": env_str("MAILGUN_API_KEY"),
        "MAILGUN_SENDER_DOMAIN": env_str("MAILGUN_SENDER_DOMAIN"),
        "MAILGUN_WEBHOOK_SIGNING_KEY": env_str("MAILGUN_WEBHOOK_SIGNING_KEY"),
        "POSTMARK_SERVER_TOKEN": env_str("POSTMARK_SERVER_TOKEN"),
        "SENDGRID_API_KEY": env_str("SENDGRID_API_KEY"),
        "BREVO_API_KEY": env_str("BREVO_API_KEY"),
        "AMAZON_SES_CLIENT_PARAMS": {"region_name": env_str("AWS_SES_REGION")} if env_str("AWS_SES_REGION") else None,
    }.items()
    if value
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "HeForShe <no-reply@heforshe.org>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
ADMINS = env_list("ADMIN_EMAILS")

# --- Auth, allauth ------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[HeForShe] "
# Links in allauth emails sent without a request (from a worker) follow SITE_URL's scheme.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = SITE_URL.split("://", 1)[0]
ACCOUNT_ADAPTER = "heforshe.adapters.AccountAdapter"
# Password-reset, unknown-account and account-exists mails: one per address per this many seconds.
ACCOUNT_RESET_EMAIL_INTERVAL = env_int("ACCOUNT_RESET_EMAIL_INTERVAL", 300)
# An unknown address asking for a reset is told it has no account (one mail per interval, as above),
# so the page never reveals which addresses have one.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}

# --- I18N ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("zh-hans", _("Chinese")),
    ("en", _("English")),
    ("fr", _("French")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
]
LANGUAGES_BIDI = ["ar"]
# The project's catalogue first (it wins), then translations Django's and allauth's own catalogues lack
# (heforshe/locale_upstream/, filled by hand: makemessages never writes there, see upstream_translation_gaps).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "heforshe" / "locale_upstream"]
USE_I18N = True
USE_TZ = True
# Number formats where Django's locale data and the browser disagree (see heforshe/formats/).
FORMAT_MODULE_PATH = ["heforshe.formats"]
TIME_ZONE = "UTC"

# --- Static, media, storage ---------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / env_str("STATIC_ROOT", "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Media are kept in two storages (see heforshe/lib/storage.py and docs/production.md):
# "default" is private (originals, unpublished media, evidence, kit files: reached only
# through a view that checks access), "public" holds what anyone may see at a stable,
# unsigned, cacheable URL (published renditions, posters, share images, public kit previews).
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Where public media are served: a path on this site (the reverse proxy serves
# MEDIA_ROOT/public there) or, with S3, see AWS_S3_CUSTOM_DOMAIN.
MEDIA_PUBLIC_URL = env_str("MEDIA_PUBLIC_URL", MEDIA_URL.rstrip("/") + "/public/")
# Internal location of the reverse proxy that serves private files once a view
# has checked access (X-Accel-Redirect); empty: Django streams them itself, or
# on S3 redirects to a signed URL valid MEDIA_SIGNED_URL_SECONDS.
MEDIA_ACCEL_REDIRECT_PREFIX = env_str("MEDIA_ACCEL_REDIRECT_PREFIX")
MEDIA_SIGNED_URL_SECONDS = env_int("MEDIA_SIGNED_URL_SECONDS", 300)
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    # S3-compatible storage (AWS, MinIO, Ceph...) through django-storages. One
    # bucket: private objects at its root, public ones under AWS_PUBLIC_LOCATION,
    # the only prefix the bucket policy lets anyone read.
    _s3 = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
        "region_name": env_str("AWS_S3_REGION_NAME") or None,
        "default_acl": None,
        "file_overwrite": False,
        # Signature version 4: what AWS requires everywhere and what MinIO checks.
        "signature_version": "s3v4",
    }
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3, "querystring_auth": True, "querystring_expire": MEDIA_SIGNED_URL_SECONDS},
    }
    _public_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "location": env_str("AWS_PUBLIC_LOCATION", "public"),
            # The host (and path) browsers load public objects from: a CDN, or this
            # site's /media/bucket/ location that the reverse proxy maps to the bucket.
            "custom_domain": env_str("AWS_S3_CUSTOM_DOMAIN") or None,
            "url_protocol": env_str("AWS_S3_URL_PROTOCOL", "https:"),
            "querystring_auth": False,
            "object_parameters": {"CacheControl": "public, max-age=2592000"},
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _public_storage = {"BACKEND": "heforshe.lib.storage.PublicFileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "public": _public_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# World-readable files and directories: the reverse proxy (another user) serves
# them; what is private is kept so by its unlisted location, never by file modes.
FILE_UPLOAD_PERMISSIONS = 0o644
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o755
# Where resumable uploads collect their chunks: a directory every web process
# shares (a volume mounted in each web container), outside MEDIA_ROOT.
TUS_UPLOAD_DIR = Path(env_str("TUS_UPLOAD_DIR", str(BASE_DIR / "tus-incoming")))

# --- Geo ----------------------------------------------------------------------
# A newer MaxMind GeoLite2/GeoIP2 City file; empty means the one the
# maxminddb-geolite2 package ships (built in 2018). `manage.py geoip_refresh`
# downloads the current one to this path with a MaxMind account and licence key.
GEOIP_PATH = env_str("GEOIP_PATH")
MAXMIND_ACCOUNT_ID = env_str("MAXMIND_ACCOUNT_ID")
MAXMIND_LICENSE_KEY = env_str("MAXMIND_LICENSE_KEY")
GEOIP_DOWNLOAD_URL = env_str(
    "GEOIP_DOWNLOAD_URL", "https://download.maxmind.com/geoip/databases/GeoLite2-City/download"
)
# Keyed hash of client IPs: the raw address is never stored.
IP_HASH_KEY = env_str("IP_HASH_KEY", SECRET_KEY)
# Number of reverse proxies in front of the app whose X-Forwarded-For we trust.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# allauth's login lockout and other limits key on the client behind the same proxies
# (the account adapter reads heforshe.lib.net.client_ip; this keeps allauth's own reading in step).
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
ALLAUTH_RATE_LIMIT_IPV6_PREFIX = 64

# --- Health ---
# Addresses (CIDR, comma-separated) that see /healthz's details; everyone else gets up/down only.
# Read from heforshe.lib.net.client_ip, so a client cannot claim one through X-Forwarded-For.
HEALTH_DETAIL_NETWORKS = env_list(
    "HEALTH_DETAIL_NETWORKS", "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7"
)

# --- API ----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    # Public endpoints opt in explicitly with AllowAny and a throttle.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Fixed windows in Redis, keyed on heforshe.lib.net.client_ip's network (an IPv6 /64 is one client).
    "DEFAULT_THROTTLE_CLASSES": [
        "heforshe.lib.ratelimit.AnonThrottle",
        "heforshe.lib.ratelimit.UserThrottle",
    ],
    # Only read by DRF's own throttles, should one be used: never trust a client's X-Forwarded-For.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "120/min"),
        "user": env_str("API_THROTTLE_USER", "600/min"),
        "public_read": env_str("API_THROTTLE_PUBLIC_READ", "600/min"),
        "public_write": env_str("API_THROTTLE_PUBLIC_WRITE", "30/min"),
    },
    # Documents the {detail, errors} answers (400, 404, 413, 429) of each operation.
    "DEFAULT_SCHEMA_CLASS": "heforshe.api_errors.AutoSchema",
    # Bounded in size and depth; the only body format the API takes.
    "DEFAULT_PARSER_CLASSES": ["heforshe.lib.api.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "EXCEPTION_HANDLER": "heforshe.api_errors.exception_handler",
}
# Largest JSON body and deepest nesting the API parses: a pledge is a few hundred bytes and one level.
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 64 * 1024)
API_MAX_JSON_DEPTH = env_int("API_MAX_JSON_DEPTH", 16)
# A partner's batch of up to 500 sign-ups (commitments.api).
API_BATCH_MAX_BODY_BYTES = env_int("API_BATCH_MAX_BODY_BYTES", 512 * 1024)
SPECTACULAR_SETTINGS = {
    "TITLE": "HeForShe API",
    "DESCRIPTION": "Public Commitments API of the HeForShe solidarity movement for gender equality.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "heforshe.api_errors.blank_alternatives_any_of",
    ],
    # Names for choice sets that share a field name with another one ("pillar", "status").
    "ENUM_NAME_OVERRIDES": {
        "PillarEnum": "heforshe.lib.pillars.Pillar.choices",
        "EventStatusEnum": "events.models.Event.Status",
    },
}

# --- Security -----------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# The language cookie (set by /i18n/setlang/) is read by the server only.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
MAP_TILE_URL = env_str("MAP_TILE_URL")
_tile_origin = MAP_TILE_URL.split("/{", 1)[0] if MAP_TILE_URL else ""
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"] + ([_tile_origin] if _tile_origin else []) + env_list("CSP_IMG_EXTRA"),
    "media-src": [CSP.SELF, "blob:"] + env_list("CSP_MEDIA_EXTRA"),
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
PERMISSIONS_POLICY = "camera=(), microphone=(), payment=(), usb=(), geolocation=(self)"

# --- Logging ------------------------------------------------------------------
# Seconds during which the same error (logger, exception type, line) is mailed to ADMINS only once.
ERROR_MAIL_INTERVAL = env_int("ERROR_MAIL_INTERVAL", 600)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        # Replaces Django's AdminEmailHandler: the mail goes through a task, once per error per interval.
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "heforshe.lib.errormail.QueuedAdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.db.backends": {"level": "WARNING"},
    },
}

# --- actionkits ---
# Largest kit file an editor may upload, in bytes.
ACTIONKITS_MAX_FILE_SIZE = env_int("ACTIONKITS_MAX_FILE_SIZE", 50 * 1024 * 1024)
# The largest request body a view takes unless it declares its own (@body_limit): above the
# form and evidence limits; the admin takes kit files. Refused from Content-Length, unread.
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", 12 * 1024 * 1024)
REQUEST_BODY_MAX_BYTES_STAFF = env_int("REQUEST_BODY_MAX_BYTES_STAFF", ACTIONKITS_MAX_FILE_SIZE + 2 * 1024 * 1024)
# When set (e.g. "/_protected/"), downloads are handed to the reverse proxy
# with X-Accel-Redirect to this internal location instead of streamed by Django.
ACTIONKITS_X_ACCEL_REDIRECT_PREFIX = env_str("ACTIONKITS_X_ACCEL_REDIRECT_PREFIX") or MEDIA_ACCEL_REDIRECT_PREFIX
# Where static instances of the packaged variable fonts are cached (default: the temp dir).
ACTIONKITS_FONT_CACHE = env_str("ACTIONKITS_FONT_CACHE")
# (name, requests, window seconds) of kit downloads per client address. Download
# managers fetch one file in several ranges and a campus shares one address,
# so the limits only stop floods.
ACTIONKITS_DOWNLOAD_RATE_LIMITS = [
    ("burst", env_int("ACTIONKITS_DOWNLOAD_RATE_BURST", 120), 60),
    ("sustained", env_int("ACTIONKITS_DOWNLOAD_RATE_SUSTAINED", 1200), 3600),
]
CELERY_BEAT_SCHEDULE["actionkits-requeue-previews"] = {
    "task": "actionkits.tasks.requeue_previews_task",
    "schedule": 600.0,
}

# --- stories ---
# Size of each resumable-upload chunk: small enough to retry cheaply on a weak connection.
STORIES_UPLOAD_CHUNK_SIZE = env_int("STORIES_UPLOAD_CHUNK_SIZE", 5 * 1024 * 1024)
# Limits that keep one organisation from filling the disk: stories it may have in
# draft (or sent back for changes) at once, files per story, and bytes of
# unfinished resumable uploads across all its stories.
STORIES_MAX_DRAFTS_PER_PARTNER = env_int("STORIES_MAX_DRAFTS_PER_PARTNER", 20)
STORIES_MAX_MEDIA_PER_STORY = env_int("STORIES_MAX_MEDIA_PER_STORY", 20)
STORIES_MAX_OPEN_UPLOAD_BYTES_PER_PARTNER = env_int("STORIES_MAX_OPEN_UPLOAD_BYTES_PER_PARTNER", 5 * 1024**3)
# Re-sends processing for media whose task was lost (broker down, worker killed),
# and removes resumable uploads abandoned for more than a day.
CELERY_BEAT_SCHEDULE["stories-requeue-media"] = {"task": "stories.tasks.requeue_media_sweeper", "schedule": 300.0}
CELERY_BEAT_SCHEDULE["champions-requeue-videos"] = {
    "task": "champions.tasks.requeue_videos_sweeper",
    "schedule": 300.0,
}
CELERY_BEAT_SCHEDULE["stories-publish-due"] = {"task": "stories.tasks.publish_due_task", "schedule": 60.0}

# --- events ---
# Day-before reminders are due at 09:00 in each event's own time zone; the sweep runs often
# enough to send them within minutes of that time.
CELERY_BEAT_SCHEDULE["events-reminders"] = {"task": "events.tasks.reminders_sweep_task", "schedule": 300.0}

# --- partners ---
# Days after a quarter ends that its progress report is due.
PARTNERS_REPORT_GRACE_DAYS = env_int("PARTNERS_REPORT_GRACE_DAYS", 30)
# Days before the due date that partner admins get a reminder.
PARTNERS_REMINDER_DAYS_BEFORE = env_int("PARTNERS_REMINDER_DAYS_BEFORE", 7)
# First retry delay (seconds) of a failed reminder email; doubles each time.
PARTNERS_REMINDER_RETRY_SECONDS = env_int("PARTNERS_REMINDER_RETRY_SECONDS", 60)
PARTNERS_INVITATION_MAX_AGE_DAYS = env_int("PARTNERS_INVITATION_MAX_AGE_DAYS", 14)
# Largest champion video upload (staff or the champion; processed by the media pipeline).
CHAMPIONS_VIDEO_MAX_BYTES = env_int("CHAMPIONS_VIDEO_MAX_BYTES", 500 * 1024 * 1024)
PARTNERS_EVIDENCE_MAX_BYTES = env_int("PARTNERS_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
# Partner logos (shown at 96 px): largest file in bytes and longest side in pixels.
PARTNERS_LOGO_MAX_BYTES = env_int("PARTNERS_LOGO_MAX_BYTES", 1024 * 1024)
PARTNERS_LOGO_MAX_SIDE = env_int("PARTNERS_LOGO_MAX_SIDE", 2000)
# Hourly: open due report drafts, flag overdue ones, send (and re-send) reminders. Idempotent.
CELERY_BEAT_SCHEDULE["partners-reports-sweep"] = {"task": "partners.tasks.reports_sweep", "schedule": 3600.0}

# --- pledges ------------------------------------------------------------------
import datetime as _dt  # noqa: E402

# (name, attempts, window seconds) per IP hash; generous sustained limit for campuses behind one NAT.
PLEDGE_RATE_LIMITS = [
    ("burst", env_int("PLEDGE_RATE_BURST", 10), 60),
    ("sustained", env_int("PLEDGE_RATE_SUSTAINED", 200), 3600),
]
PLEDGE_MIN_FILL_SECONDS = env_int("PLEDGE_MIN_FILL_SECONDS", 3)
# Actions in a pledger's own words: at most this many in any 24 hours, and in all.
PLEDGE_CUSTOM_ACTIONS_PER_DAY = env_int("PLEDGE_CUSTOM_ACTIONS_PER_DAY", 5)
PLEDGE_CUSTOM_ACTIONS_MAX = env_int("PLEDGE_CUSTOM_ACTIONS_MAX", 50)
PLEDGE_RESEND_INTERVAL = _dt.timedelta(seconds=env_int("PLEDGE_RESEND_SECONDS", 600))
# Public counts are at most this old (the issue allows 5 s).
PLEDGE_COUNT_CACHE_SECONDS = env_int("PLEDGE_COUNT_CACHE_SECONDS", 2)
# The map's cells are recomputed at most this often (every level of the grid, to keep small areas hidden).
PLEDGE_MAP_CACHE_SECONDS = env_int("PLEDGE_MAP_CACHE_SECONDS", 10)
# A cold cache folds pending count events itself, so counts stay fresh without a beat (make run).
PLEDGE_FOLD_ON_READ = env_bool("PLEDGE_FOLD_ON_READ", True)
# Dotted path to callable(country=, city=) -> (lat10, lng10) | None; an online geocoder in production.
PLEDGE_GEOCODER = env_str("PLEDGE_GEOCODER", "pledges.geo.gazetteer_geocode")
CELERY_BEAT_SCHEDULE["pledges-fold-counts"] = {"task": "pledges.tasks.fold_counts", "schedule": 2.0}
# The pending pledge rows are the confirmation emails' queue: nothing is published at sign-up.
CELERY_BEAT_SCHEDULE["pledges-send-confirmations"] = {
    "task": "pledges.tasks.send_confirmations",
    "schedule": 1.0,
    "options": {"expires": 10},  # ticks queued while no worker ran are dropped, not run one after another
}
# The public actions total: an exact count over actions and pledges, off every request.
CELERY_BEAT_SCHEDULE["pledges-recount-actions"] = {
    "task": "pledges.tasks.recount_actions",
    "schedule": 30.0,
    "options": {"expires": 25},
}
CELERY_BEAT_SCHEDULE["pledges-reconcile-counts"] = {"task": "pledges.tasks.reconcile_counts", "schedule": 600.0}
CELERY_BEAT_SCHEDULE["pledges-expire"] = {"task": "pledges.tasks.expire_pledges", "schedule": 3600.0}
CELERY_BEAT_SCHEDULE["pledges-sweep"] = {"task": "pledges.tasks.sweep", "schedule": 60.0}

# --- solutions ---
# How long after posting an author may still change a solution's title and text.
SOLUTIONS_EDIT_WINDOW = _dt.timedelta(hours=env_int("SOLUTIONS_EDIT_WINDOW_HOURS", 24))
# How long after posting others may still propose amendments to a solution (never after its challenge closes).
SOLUTIONS_AMENDMENT_WINDOW = _dt.timedelta(days=env_int("SOLUTIONS_AMENDMENT_WINDOW_DAYS", 60))
# (name, requests, window seconds) per client address for each kind of write.
SOLUTIONS_RATE_LIMITS = {
    "join": [("burst", env_int("SOLUTIONS_JOIN_BURST", 10), 600)],
    "propose": [("burst", env_int("SOLUTIONS_PROPOSE_BURST", 10), 3600)],
    "comment": [("burst", env_int("SOLUTIONS_COMMENT_BURST", 30), 600)],
    "support": [("burst", env_int("SOLUTIONS_SUPPORT_BURST", 120), 600)],
    "report": [("burst", env_int("SOLUTIONS_REPORT_BURST", 10), 3600)],
    "amend": [("burst", env_int("SOLUTIONS_AMEND_BURST", 10), 3600)],
}
# Seconds a person needs at least to fill a form (faster is a robot).
SOLUTIONS_MIN_FILL_SECONDS = env_int("SOLUTIONS_MIN_FILL_SECONDS", 3)
# Fold new supports into the counts; send the followers' digest once a day.
CELERY_BEAT_SCHEDULE["solutions-fold-supports"] = {"task": "solutions.tasks.fold_supports_task", "schedule": 5.0}
CELERY_BEAT_SCHEDULE["solutions-digests"] = {"task": "solutions.tasks.send_digests_task", "schedule": 86400.0}
CELERY_BEAT_SCHEDULE["solutions-sweep"] = {"task": "solutions.tasks.sweep_task", "schedule": 600.0}
# --- newsletters ---
from celery.schedules import crontab as _crontab  # noqa: E402

# Messages handed to the mail server per second by one worker (0: as fast as it takes them).
# Amazon SES bounces arrive through SNS: the certificate that signs them is fetched only from a URL
# matching this (an https URL on an sns.<region>.amazonaws.com host).
AMAZON_SNS_CERT_URL_PATTERN = env_str(
    "AMAZON_SNS_CERT_URL_PATTERN", r"^https://sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/[^?#]*\.pem$"
)
NEWSLETTER_RATE_PER_SECOND = env_int("NEWSLETTER_RATE_PER_SECOND", 20)
NEWSLETTER_BATCH_SIZE = env_int("NEWSLETTER_BATCH_SIZE", 200)
# The lease of the batch sending a newsletter, renewed every third of it while it sends: once it is over
# the worker is taken for dead and the beat's resume sweep (every minute) takes its recipients back.
NEWSLETTER_CLAIM_LEASE_SECONDS = env_int("NEWSLETTER_CLAIM_LEASE_SECONDS", 120)
CELERY_BEAT_SCHEDULE["newsletters-resume"] = {"task": "newsletters.tasks.resume", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["newsletters-staff-digest"] = {
    "task": "newsletters.tasks.staff_digest",
    "schedule": _crontab(hour=env_int("STAFF_DIGEST_HOUR", 7), minute=0),
}
# --- giving ---
# "dev": the offline simulated checkout on the site itself (the default, for make run);
# "stripe": Stripe Checkout with the keys below.
GIVING_PROVIDER = env_str("GIVING_PROVIDER", "dev")
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
# The Stripe API's address (tests point it at a local fake that speaks the same protocol).
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "https://api.stripe.com")
# Seconds a call to Stripe may take before the donor is told to try again (nothing is charged).
STRIPE_TIMEOUT = env_int("STRIPE_TIMEOUT", 10)
STRIPE_MAX_NETWORK_RETRIES = env_int("STRIPE_MAX_NETWORK_RETRIES", 1)
if GIVING_PROVIDER == "stripe" and not DEBUG and not (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET):
    raise ImproperlyConfigured("GIVING_PROVIDER=stripe needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET")
# Signs the development provider's webhooks (the same scheme as Stripe's).
GIVING_DEV_WEBHOOK_SECRET = env_str("GIVING_DEV_WEBHOOK_SECRET") or "whsec_dev_" + SECRET_KEY[:24]
# Oldest webhook signature timestamp accepted, in seconds (Stripe's own default).
GIVING_WEBHOOK_TOLERANCE = env_int("GIVING_WEBHOOK_TOLERANCE", 300)
GIVING_RECONCILE_HOURS = env_int("GIVING_RECONCILE_HOURS", 72)
GIVING_PROGRESS_CACHE_SECONDS = env_int("GIVING_PROGRESS_CACHE_SECONDS", 5)
# How often an open campaign page refreshes its thermometer.
GIVING_PROGRESS_POLL_SECONDS = env_int("GIVING_PROGRESS_POLL_SECONDS", 15)
GIVING_DONOR_LINK_MAX_AGE = env_int("GIVING_DONOR_LINK_MAX_AGE", 7 * 24 * 3600)
GIVING_RATE_LIMITS = [("burst", env_int("GIVING_RATE_BURST", 10), 60), ("sustained", 100, 3600)]
GIVING_LINK_RATE_LIMITS = [("burst", 5, 60), ("sustained", 30, 3600)]
CELERY_BEAT_SCHEDULE["giving-reconcile"] = {"task": "giving.tasks.reconcile_task", "schedule": 900.0}
CELERY_BEAT_SCHEDULE["giving-resend-receipts"] = {"task": "giving.tasks.resend_receipts_task", "schedule": 600.0}

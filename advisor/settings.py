"""Settings for the Sourcing Advisor, read from the environment only.

Production needs DJANGO_SECRET_KEY; everything else has a safe default. `make run` sets
DJANGO_DEBUG=1 for local development.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value in production "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - debug only

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# The site's public address (https://advisor.example.com), for links in documents that are
# cached for everyone (a member's PDF links to its report): never the request's Host.
SITE_URL = env_str("DJANGO_SITE_URL").rstrip("/")

INSTALLED_APPS = [
    "advisor.apps.AdminConfig",  # django.contrib.admin with the try-it page
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "bootstrap",
    "advisor.knowledge",
    "advisor.catalogue",
    "advisor.wizard",
    "advisor.plan",
    "advisor.orgs",
    "advisor.reports",
    "advisor.api",
    "axes",
]

MIDDLEWARE = [
    "advisor.middleware.drop_hostile_cookies",
    "advisor.middleware.permissions_policy",
    "advisor.middleware.private_organisation_pages",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses pages and htmx fragments; Django pads responses against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "advisor.wizard.store.cookie_middleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a refused login into the 429 page.
    "axes.middleware.AxesMiddleware",
    # Inside every other one, so its 413 carries their headers; nothing reads a body first.
    "advisor.middleware.limit_request_body",
]

ROOT_URLCONF = "advisor.urls"
WSGI_APPLICATION = "advisor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "advisor.context_processors.nav",
            ],
            "libraries": {"advice": "advisor.advice.templatetags"},
        },
    },
]

# Databases: SQLite by default (tuned so several gunicorn workers can share it),
# PostgreSQL (or anything dj-database-url knows) through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A server that accepts connections but never answers must not hang every request
    # (health check included): give up connecting after a few seconds, and let the server
    # end any statement before gunicorn's 30 s worker timeout would.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        connect_timeout=int(env_str("DJANGO_DB_CONNECT_TIMEOUT", "3")),
        options="-c statement_timeout={}".format(
            int(env_str("DJANGO_DB_STATEMENT_TIMEOUT_MS", "20000"))
        ),
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = None  # a SQLite connection is a file handle
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
        ),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set (shared by every worker and host), else per-process.
# Redis failing never fails a page (advisor/cache.py): each call gives up after the
# timeouts below (REDIS_URL's query string may override them, e.g.
# ?socket_timeout=2&socket_connect_timeout=2) and is then answered from the process's own
# memory, as without REDIS_URL, until Redis answers again.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "advisor.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "advisor",
            "OPTIONS": {"socket_connect_timeout": 1.0, "socket_timeout": 1.0},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions live in the database alone (one primary-key SELECT per request), with or without
# Redis: a cached copy would make a session depend on Redis, and a logout written while
# Redis was frozen would come back to life when it thawed.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses (without checking the password) once the failure limit is reached.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0

# Every form field renders through one template (templates/forms/field.html).
FORM_RENDERER = "advisor.forms.FormRenderer"

# Email: the console in development, SMTP (configured by environment) in production.
MAILERS: dict[str, dict[str, object]]
if DEBUG:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("EMAIL_HOST", "localhost"),
                "port": int(env_str("EMAIL_PORT", "25")),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
            },
        }
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Sourcing Advisor <advisor@localhost>")

# The proxies in front of gunicorn (addresses or networks, "*" for any): their
# X-Forwarded-For is believed, so limits keyed by address see the client, not the proxy.
# gunicorn.conf.py trusts X-Forwarded-Proto from the same list.
TRUSTED_PROXIES = env_list("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Failed logins (every login form, the admin's included): django-axes, counted in the
# database so every worker and host shares them. See advisor/orgs/login_limits.py.
AXES_HANDLER = "advisor.orgs.login_limits.LoginAttempts"
AXES_FAILURE_LIMIT = 10  # per username and address; the others: advisor/orgs/login_limits.py
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "advisor.orgs.login_limits.username_key"
AXES_CLIENT_IP_CALLABLE = "advisor.net.client_ip"
AXES_LOCKOUT_CALLABLE = "advisor.orgs.login_limits.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # successful logins: nothing to keep
AXES_VERBOSE = False

# Request bodies: anything larger is refused with 413 (advisor.middleware.limit_request_body),
# file parts of multipart bodies included.
DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024

# Security. Every page is same-origin only: no CDN, no inline script.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Our own page (the default one has an inline style the CSP blocks).
CSRF_FAILURE_VIEW = "advisor.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # /healthz is probed over plain HTTP by load balancers and the container runtime.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "advisor.logredact.RedactTokens"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]},
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

"""Settings, every one read from the environment and documented in README.md.

Local defaults just work (SQLite under var/); production sets DEBUG off, a real SECRET_KEY and
DATABASE_URL. A missing or malformed value fails loudly at start-up rather than at first use.
"""

import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from tracker import roles

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None):
    """The variable, or the contents of the file named by NAME_FILE (for secrets)."""
    if path := os.environ.get(f"{name}_FILE"):
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


def envbool(name, default):
    value = env(name, default)
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envlist(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def envint(name, default):
    value = env(name, str(default))
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


DEBUG = envbool("DEBUG", "false")
# Without a key, commands that sign nothing (migrate, makemigrations) still run, while the web
# app refuses to start ("The SECRET_KEY setting must not be empty").
SECRET_KEY = env("SECRET_KEY") or (
    "insecure-local-development-key-never-used-in-production" if DEBUG else ""
)

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Whom a signed-in person without a role is told to ask for access; empty: the administrators.
ADMIN_CONTACT_EMAIL = env("ADMIN_CONTACT_EMAIL", "")
ORGANISATION_NAME = env("ORGANISATION_NAME", "Council")
SERVICE_NAME = env("SERVICE_NAME", "Corporate Plan action tracker")

# Footer and public pages (tracker/pages.py): where people send feedback, get help and read
# the privacy notice, and whom to ask about accessibility. Empty: the built-in pages, and
# CONTACT_EMAIL for accessibility problems.
CONTACT_EMAIL = env("CONTACT_EMAIL", "")
ACCESSIBILITY_CONTACT = env("ACCESSIBILITY_CONTACT", "") or CONTACT_EMAIL
ACCESSIBILITY_STATEMENT_DATE = env("ACCESSIBILITY_STATEMENT_DATE", "")
FEEDBACK_URL = env("FEEDBACK_URL", "")
HELP_URL = env("HELP_URL", "")
PRIVACY_NOTICE_URL = env("PRIVACY_NOTICE_URL", "")
_links = {
    "FEEDBACK_URL": FEEDBACK_URL,
    "HELP_URL": HELP_URL,
    "PRIVACY_NOTICE_URL": PRIVACY_NOTICE_URL,
}
for _name, _value in _links.items():
    if _value and not _value.startswith(("https://", "http://", "mailto:")):
        raise ImproperlyConfigured(f"{_name} must start with https://, http:// or mailto:")
_addresses = {"CONTACT_EMAIL": CONTACT_EMAIL, "ACCESSIBILITY_CONTACT": ACCESSIBILITY_CONTACT}
for _name, _value in _addresses.items():
    if _value and "@" not in _value:
        raise ImproperlyConfigured(f"{_name} must be an email address, not {_value!r}")

INSTALLED_APPS = [
    "tracker.apps.TrackerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "axes",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "tracker",
    "plans",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"
AUTH_USER_MODEL = "tracker.User"

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
                "tracker.context_processors.service",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets councillors read while an officer writes; the timeout waits out short locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed sign-ins (tracker/signin.py). After AXES_FAILURE_LIMIT failures in a row a
# username waits 1 minute, then 2, 4, 8 and at most 15 after each further failure, from
# wherever it is tried; a completed password reset or a success ends the wait. One client
# address failing SIGN_IN_ADDRESS_LIMIT times in 15 minutes, with any usernames, waits too.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
SIGN_IN_ADDRESS_LIMIT = envint("SIGN_IN_ADDRESS_LIMIT", 20)
AXES_LOCKOUT_PARAMETERS = ["username"]
# Axes warns that locking by username alone lets one address try many; SignInHandler limits
# each address itself (SIGN_IN_ADDRESS_LIMIT), which that check cannot see.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_COOLOFF_TIME = "tracker.signin.cool_off"
AXES_USE_ATTEMPT_EXPIRATION = True  # each username's failures expire on their own clock
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # tries while waiting do not count
AXES_HANDLER = "tracker.signin.SignInHandler"
AXES_CLIENT_IP_CALLABLE = "tracker.signin.client_address"
AXES_LOCKOUT_CALLABLE = "tracker.signin.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Two-factor authentication (tracker/two_factor.py): a code from an authenticator app, or a
# recovery code, after the password. TWO_FACTOR_REQUIRED makes administrators and performance
# officers set it up before they can go on (others may); `make run`'s demo turns it off. A person
# who has set it up is always asked; single sign-on sessions never are. Wrong codes are
# throttled: after n in a row the next try waits 2^(n-1) seconds.
TWO_FACTOR_REQUIRED = envbool("TWO_FACTOR_REQUIRED", "true")
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"]
OTP_TOTP_ISSUER = SERVICE_NAME
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The admin lists people's devices (to remove a lost phone's) but never shows their secrets.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Password reset emails: at most this many an hour to one account, and asked from one address.
PASSWORD_RESETS_PER_ACCOUNT = envint("PASSWORD_RESETS_PER_ACCOUNT", 3)
PASSWORD_RESETS_PER_ADDRESS = envint("PASSWORD_RESETS_PER_ADDRESS", 10)

# Single sign-on (OpenID Connect): Microsoft Entra ID or any provider, by mozilla-django-oidc
# (tracker/oidc.py; docs/sign-in.md). Off while OIDC_ISSUER is empty. The endpoints come from
# the issuer's /.well-known/openid-configuration at the first sign-in, not at start-up.
OIDC_ISSUER = env("OIDC_ISSUER", "").rstrip("/")
OIDC_CLIENT_ID = env("OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = env("OIDC_CLIENT_SECRET", "")  # or OIDC_CLIENT_SECRET_FILE
OIDC_ROLE_CLAIM = env("OIDC_ROLE_CLAIM", "roles")
# "claim value=Role name,...": e.g. "Tracker.Admin=Administrator,Tracker.Clerk=Performance officer".
OIDC_ROLE_MAP = {}
for _pair in envlist("OIDC_ROLE_MAP"):
    _value, _, _role = (part.strip() for part in _pair.rpartition("="))
    if not _value or _role not in roles.ALL:
        raise ImproperlyConfigured(
            f"OIDC_ROLE_MAP: {_pair!r} must be claim value=role, the role one of "
            + ", ".join(roles.ALL)
        )
    OIDC_ROLE_MAP[_value] = _role
OIDC_CREATE_USERS = envbool("OIDC_CREATE_USERS", "false")
OIDC_ALLOWED_TENANTS = envlist("OIDC_ALLOWED_TENANTS")
OIDC_ALLOWED_GROUPS = envlist("OIDC_ALLOWED_GROUPS")
OIDC_BUTTON_LABEL = env("OIDC_BUTTON_LABEL", "Sign in with Microsoft")
PASSWORD_SIGN_IN = envbool("PASSWORD_SIGN_IN", "true")
OIDC_TIMEOUT = 10  # seconds to wait for the provider
if OIDC_ISSUER:
    if not (OIDC_CLIENT_ID and OIDC_CLIENT_SECRET):
        raise ImproperlyConfigured("OIDC_ISSUER needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET")
    if re.search(r"/(common|organizations)(/|$)", OIDC_ISSUER) and not OIDC_ALLOWED_TENANTS:
        raise ImproperlyConfigured(
            f"OIDC_ISSUER {OIDC_ISSUER} lets in any Entra tenant: set OIDC_ALLOWED_TENANTS"
        )
    AUTHENTICATION_BACKENDS.append("tracker.oidc.Backend")
elif not PASSWORD_SIGN_IN:
    raise ImproperlyConfigured("PASSWORD_SIGN_IN=false needs OIDC_ISSUER: nobody could sign in")
if not PASSWORD_SIGN_IN:
    AUTHENTICATION_BACKENDS.remove("django.contrib.auth.backends.ModelBackend")
# What mozilla-django-oidc itself reads.
OIDC_RP_CLIENT_ID = OIDC_CLIENT_ID
OIDC_RP_CLIENT_SECRET = OIDC_CLIENT_SECRET
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True

SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

SECURE_HTTPS = envbool("SECURE_HTTPS", "false" if DEBUG else "true")
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS and envbool("SECURE_SSL_REDIRECT", "true")
# Load balancers probe the web process directly, over plain HTTP: a redirect reads as down.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000) if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
# Behind the reverse proxy, trust its X-Forwarded-Proto, and take the client's address from
# X-Forwarded-For, TRUSTED_PROXY_COUNT entries from the right (one per proxy of our own).
BEHIND_PROXY = envbool("BEHIND_PROXY", "false")
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 1)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if TRUSTED_PROXY_COUNT < 1:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXY_COUNT must be 1 or more behind a proxy, not {TRUSTED_PROXY_COUNT}"
        )
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "action-tracker@localhost")
# For the file-based backend (django.core.mail.backends.filebased.EmailBackend).
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "staticfiles")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
]
STORAGES = {
    # Evidence files live outside the static files and are served only through a view that
    # asks the permission policy.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env("MEDIA_ROOT", str(BASE_DIR / "var" / "media"))},
    },
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
# Workbooks bigger than this are checked by the task worker rather than during the upload.
IMPORT_BACKGROUND_BYTES = envint("IMPORT_BACKGROUND_BYTES", 512 * 1024)
# What a workbook may unpack to, checked before it is read: in all, as a multiple of a part's
# packed size, and in one cell (ten times the 32,767 characters an Excel cell holds; longer
# cells than Excel's are cut to it with a warning).
IMPORT_MAX_UNCOMPRESSED_BYTES = envint("IMPORT_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024)
IMPORT_MAX_UNPACK_RATIO = envint("IMPORT_MAX_UNPACK_RATIO", 100)
IMPORT_MAX_CELL_CHARS = envint("IMPORT_MAX_CELL_CHARS", 10 * 32_767)
# Imports not confirmed (refused, or previewed and left) are deleted, file and all, after
# this many hours; a confirmed import keeps its record but not its file.
IMPORT_RETENTION_HOURS = envint("IMPORT_RETENTION_HOURS", 72)
# Evidence uploads: the largest file accepted, and an optional virus scanner: the dotted path
# of a callable given each uploaded file before it is saved, which raises
# django.core.exceptions.ValidationError to refuse it (see docs/operations.md).
EVIDENCE_MAX_BYTES = envint("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
EVIDENCE_SCANNER = env("EVIDENCE_SCANNER", "")
if EVIDENCE_SCANNER and not re.fullmatch(r"[A-Za-z_][\w.]*\.[A-Za-z_]\w*", EVIDENCE_SCANNER):
    raise ImproperlyConfigured(f"EVIDENCE_SCANNER must be a dotted path, not {EVIDENCE_SCANNER!r}")
# Reminder emails go this many days before a round is due (and the day after it).
REMINDER_DAYS_BEFORE_DUE = envint("REMINDER_DAYS_BEFORE_DUE", 3)

# Rendered parts of the tracker, dashboard and action pages, keyed on the plan's data version
# (read from the database) so any update makes them stale at once, in every process. By
# default each web process keeps its own; CACHE_URL (redis:// or rediss://) shares one Redis
# cache between them, so a page one process rendered serves the others.
CACHE_URL = env("CACHE_URL", "")
if not CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 300},
        }
    }
elif CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "tracker",
        }
    }
else:
    raise ImproperlyConfigured(
        f"CACHE_URL must be a redis:// or rediss:// address, not {CACHE_URL!r}"
    )

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {
            "format": "time=%(asctime)s level=%(levelname)s logger=%(name)s msg=%(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

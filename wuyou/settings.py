"""One settings module for every environment; everything that differs comes from the environment.

Demo mode (WUYOU_DEMO=1) is the only place a default secret exists.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("WUYOU_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEMO = env_bool("WUYOU_DEMO")
TESTING = env_bool("WUYOU_TESTING")
DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEMO or TESTING:
        SECRET_KEY = "wuyou-demo-only-secret-not-for-production-use-0123456789abcdef"
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set (only demo mode, WUYOU_DEMO=1, has a default).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEMO or TESTING or DEBUG) else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves the API docs page's Swagger UI from local static files, not a CDN
    "wuyou.core",
    "wuyou.orgs",
    "wuyou.workdays",
    "wuyou.notifications",
    "wuyou.appeals",
    "wuyou.open311",
    "wuyou.dispatch",
    "wuyou.negative_list",
    # The top layer (demo data); label wuyou_site, not to clash with django.contrib.sites.
    "wuyou.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "wuyou.core.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wuyou.core.middleware.OutOfRangeIsNotFoundMiddleware",
]

ROOT_URLCONF = "wuyou.urls"
WSGI_APPLICATION = "wuyou.wsgi.application"

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
                "django.template.context_processors.i18n",
                "wuyou.core.context.navigation",
                "wuyou.appeals.context.calendar_warning",
                "wuyou.notifications.context.unread",
            ]
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'wuyou.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded database lives in var/, which a fresh clone does not have yet.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the worker and the web server write without "database is locked" errors.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file, not memory, so tests with several threads (concurrency, live server) share one database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}

if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # JIT compilation added 0.1–0.4 s to the 三率 aggregate and never paid off for these queries.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # Parameters bound by the server and statements prepared on their second use: PostgreSQL stops
    # parsing and planning the same INSERTs and lookups on every request (with threaded gunicorn
    # workers intake +20–30 %, docs/performance.md). Turn off (DB_SERVER_SIDE_BINDING=0) behind a
    # pooler in transaction mode that cannot keep prepared statements.
    if env_bool("DB_SERVER_SIDE_BINDING", default=True):
        DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 2

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = ["wuyou.orgs.auth.LockoutModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))

PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
if TESTING:
    # Tests create hundreds of users; Argon2 stays the production hasher.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (DEBUG or TESTING or DEMO)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING or DEMO

# Mail and SMS. SMS goes through a pluggable backend; the default only logs.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.locmem.EmailBackend"
    if TESTING
    else "django.core.mail.backends.console.EmailBackend"
    if DEMO
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "wuyou@localhost")
SMS_BACKEND = os.environ.get("SMS_BACKEND", "wuyou.notifications.sms.LoggingSmsBackend")
SMS_SIGNATURE = os.environ.get("SMS_SIGNATURE", "【无忧】")

# Uploads: appeal attachments.
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
FILE_UPLOAD_PERMISSIONS = 0o640

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not (DEBUG or DEMO or TESTING):
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING" if TESTING else "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}

# Periodic tasks the worker runs each round: dotted paths to callables taking `now` and returning a dict of counts.
WORKER_TASKS = ["wuyou.appeals.sweeps.sweep_all"]
WORKER_TASKS.append("wuyou.dispatch.tasks.run")  # retrain when due, detect 批量诉求, auto-dispatch
WORKER_INTERVAL_SECONDS = float(os.environ.get("WORKER_INTERVAL_SECONDS", "30"))
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "6"))
# Local hour at which the daily digest emails (users' "digest" preference) are queued.
NOTIFICATION_DIGEST_HOUR = int(os.environ.get("NOTIFICATION_DIGEST_HOUR", "8"))

# Negative-list reports (wuyou.negative_list): Fernet key(s) protecting reporter identity at rest.
# Comma-separated, newest first (MultiFernet: the first encrypts, all decrypt). Generate one with
#   python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
WUYOU_REPORT_KEY = os.environ.get("WUYOU_REPORT_KEY", "")
if not WUYOU_REPORT_KEY:
    if DEMO or TESTING:
        import base64
        import hashlib

        # A fixed, publicly known key: demo and test data only, never real reports.
        WUYOU_REPORT_KEY = base64.urlsafe_b64encode(
            hashlib.sha256(b"wuyou-demo-report-key").digest()
        ).decode()
    else:
        raise ImproperlyConfigured(
            "WUYOU_REPORT_KEY must be set (only demo/testing mode derives a fixed key)."
        )
WORKER_TASKS.append("wuyou.negative_list.sweeps.sweep_all")
# Last, so the rows the sweeps above wrote go out in the same round: daily digests, then the outbox.
WORKER_TASKS.append("wuyou.notifications.tasks.deliver")

# --- shared throttle store (issue 9) ---
# Login throttling and rate limits count in one store all processes share: the database by default,
# Redis when THROTTLE_REDIS_URL is set (e.g. redis://127.0.0.1:6379/0). See wuyou/core/throttle.py.
THROTTLE_REDIS_URL = os.environ.get("THROTTLE_REDIS_URL", "")
WORKER_TASKS.insert(0, "wuyou.core.throttle.purge")

# --- accounts: password rules, two-factor login, separation of duties (issue 9) ---
INSTALLED_APPS.insert(INSTALLED_APPS.index("wuyou.core") + 1, "wuyou.accounts")
# After AuthenticationMiddleware and the session: a password someone else chose must be replaced first.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "wuyou.accounts.middleware.ForcePasswordChangeMiddleware",
)
# 等保2.0 三级: 12 characters, three of four character classes, none of the last five, not a common one.
# Demo mode relaxes them (and only demo mode): its logins keep the documented password `wuyou-demo`.
AUTH_PASSWORD_VALIDATORS = (
    []
    if DEMO
    else [
        {"NAME": "wuyou.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
        {"NAME": "wuyou.accounts.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
        {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
        {"NAME": "wuyou.accounts.passwords.HistoryValidator", "OPTIONS": {"count": 5}},
    ]
)
# Two-factor login is required for these role codes, holders of these permissions and superusers
# (not in demo mode); offered to everyone else.
TWO_FACTOR_REQUIRED_ROLES = ["admin", "security_admin", "audit_admin", "leader"]
TWO_FACTOR_REQUIRED_PERMISSIONS = ["negative_list.investigate_report"]
# How long a 「验证身份」 re-authentication counts for sensitive acts.
RECENT_AUTH_SECONDS = int(os.environ.get("RECENT_AUTH_SECONDS", "300"))

# --- abuse controls, least exposure, expected state (issue 9) ---
# Appeal intake: accepted appeals per enterprise (hour, day) and per enterprise or cadre account; the center
# taking calls is not limited. Counted in the shared store (wuyou.core.throttle). Off in the test suite
# (tests that need it turn it on) and for the intake benchmark (APPEAL_RATE_LIMITS_ENABLED=0).
APPEAL_RATE_LIMITS_ENABLED = env_bool("APPEAL_RATE_LIMITS_ENABLED", not TESTING)
APPEAL_RATE_LIMITS = {
    "enterprise_hour": (int(os.environ.get("APPEAL_RATE_ENTERPRISE_HOUR", "20")), 3600),
    "enterprise_day": (int(os.environ.get("APPEAL_RATE_ENTERPRISE_DAY", "100")), 86400),
    "account_hour": (int(os.environ.get("APPEAL_RATE_ACCOUNT_HOUR", "20")), 3600),
    "account_day": (int(os.environ.get("APPEAL_RATE_ACCOUNT_DAY", "100")), 86400),
}

# --- logins and API tokens (issue 9, items 1-2) ---
# Login throttling (wuyou.orgs.login_throttle), in the shared store: per tried name and per source address,
# `*_free` failures in `*_window` seconds, then blocks of delay_base, 2×, 4× … up to delay_max seconds; at
# most burst_max attempts per address in burst_window seconds (each costs an Argon2 hash).
# Off in the test suite (the tests of it turn it on), like the intake limits.
LOGIN_THROTTLE = {
    "enabled": env_bool("LOGIN_THROTTLE_ENABLED", not TESTING),
    "account_free": int(os.environ.get("LOGIN_THROTTLE_ACCOUNT_FREE", "3")),
    "account_window": 3600,
    "address_free": int(os.environ.get("LOGIN_THROTTLE_ADDRESS_FREE", "20")),
    "address_window": 3600,
    "delay_base": 2,
    "delay_max": int(os.environ.get("LOGIN_THROTTLE_DELAY_MAX", "900")),
    "burst_max": int(os.environ.get("LOGIN_THROTTLE_BURST", "10")),
    "burst_window": 10,
}
# Reverse proxies whose X-Forwarded-For is believed (comma-separated addresses, e.g. 10.0.0.2): behind
# one, REMOTE_ADDR is the proxy and every client would share its login throttle (core/clientaddr.py).
TRUSTED_PROXIES = [a.strip() for a in os.environ.get("TRUSTED_PROXIES", "").split(",") if a.strip()]
# API tokens live this many days; a user holds at most API_TOKEN_MAX_LIVE (a new one retires the oldest).
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "30"))
API_TOKEN_MAX_LIVE = int(os.environ.get("API_TOKEN_MAX_LIVE", "10"))
WORKER_TASKS.insert(1, "wuyou.orgs.tokens.purge_expired")

# --- sessions: idle timeout and absolute lifetime (issue 9, item 3) ---
# 等保2.0 三级 (登录连接超时自动退出): a session ends after an idle time and, whatever the activity,
# an absolute lifetime from login (wuyou.accounts.sessions). Enterprise users work on phones, between
# other tasks, and see only their own enterprise's appeals: they get a longer idle time (docs/decisions.md).
SESSION_IDLE_SECONDS_STAFF = int(os.environ.get("SESSION_IDLE_SECONDS_STAFF", "1800"))
SESSION_IDLE_SECONDS_ENTERPRISE = int(os.environ.get("SESSION_IDLE_SECONDS_ENTERPRISE", "7200"))
SESSION_IDLE_ENTERPRISE_ROLES = ["enterprise"]  # role codes (accounts does not import the roles)
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", str(12 * 3600)))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS  # the cookie never outlives the absolute lifetime
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "wuyou.accounts.sessions.SessionTimeoutMiddleware",
)

# --- headers, CSP and log scrubbing (issue 9, items 8-9) ---
# Right after SecurityMiddleware, so it also sees WhiteNoise's static responses (which keep their caching).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "wuyou.core.headers.SecurityHeadersMiddleware",
)
# No inline script, no eval, no inline style: every template's behaviour is in wuyou.js (data-* attributes)
# and its styling in wuyou.css. img-src data: for the CSS's small inline images; the TOTP QR code is an
# inline <svg> element, which img-src does not govern.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Browser features no page uses: Permissions-Policy: camera=(), … .
PERMISSIONS_POLICY_DENY = [
    "accelerometer",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "usb",
]
# Cache-Control: no-store also for anonymous visitors here (signed-in users and Authorization-carrying
# requests always get it): the login and two-factor steps, report submission and tracking.
NO_STORE_PATH_PREFIXES = ["/login/", "/logout/", "/account/", "/api/v1/auth/", "/api/v1/reports"]
NO_STORE_URL_NAMES = ["nl_report_new", "nl_track"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Secret-bearing query values, Authorization and cookies become *** in every log line (wuyou.core.logscrub).
# django.server (runserver's request lines) gets the scrubbed console handler too: Django's default gives it
# its own handler, which would bypass the filter.
LOGGING["filters"] = {"scrub_secrets": {"()": "wuyou.core.logscrub.SecretScrubFilter"}}
LOGGING["handlers"]["console"]["filters"] = ["scrub_secrets"]
LOGGING["formatters"]["django.server"] = {
    "()": "django.utils.log.ServerFormatter",
    "format": "[{server_time}] {message}",
    "style": "{",
}
LOGGING["handlers"]["django.server"] = {
    "class": "logging.StreamHandler",
    "formatter": "django.server",
    "filters": ["scrub_secrets"],
}
LOGGING["loggers"]["django.server"] = {"handlers": ["django.server"], "level": "INFO", "propagate": False}
# Django's default "django" logger has handlers of its own (console when DEBUG, mail_admins, which mails a
# request's headers): its records go to the root's scrubbed console only.
LOGGING["loggers"]["django"] = {"handlers": [], "level": "INFO", "propagate": True}

# --- uploads (issue 9, item 14) ---
# Content checks of every upload (wuyou.core.files) and of Excel imports (wuyou.core.excel): images are
# decoded within this many pixels; Office files (ZIP archives) within these members, uncompressed bytes
# and compression ratio (a zip bomb).
ATTACHMENT_MAX_PIXELS = int(os.environ.get("ATTACHMENT_MAX_PIXELS", str(50_000_000)))
ATTACHMENT_ARCHIVE_MAX_MEMBERS = int(os.environ.get("ATTACHMENT_ARCHIVE_MAX_MEMBERS", "2000"))
ATTACHMENT_ARCHIVE_MAX_BYTES = int(os.environ.get("ATTACHMENT_ARCHIVE_MAX_BYTES", str(100 * 1024 * 1024)))
ATTACHMENT_ARCHIVE_MAX_RATIO = int(os.environ.get("ATTACHMENT_ARCHIVE_MAX_RATIO", "100"))

# --- issue 10: supply, replies, notes ---
# Reply templates (常用语) a department may keep (wuyou.appeals.replies).
REPLY_TEMPLATES_PER_DEPARTMENT = int(os.environ.get("REPLY_TEMPLATES_PER_DEPARTMENT", "100"))

# --- issue 10: exports and print ---
# "导出 Excel" of the lists (appeals/exports.py): rows per sheet at most (the notes sheet says when a list was
# cut) and rows read from the database per chunk; the file is streamed as it is written (core.xlsxstream).
APPEAL_EXPORT_MAX_ROWS = int(os.environ.get("APPEAL_EXPORT_MAX_ROWS", "200000"))
APPEAL_EXPORT_CHUNK = int(os.environ.get("APPEAL_EXPORT_CHUNK", "2000"))
# The CJK font embedded in the PDFs of the 交办单, 督办单 and case file (appeals/printing.py): a subset of
# WenQuanYi Micro Hei (Apache-2.0), vendored with its licence in static/fonts/; nothing is fetched at run time.
PDF_FONT_PATH = BASE_DIR / "static" / "fonts" / "wqy-microhei-subset.ttf"


# --- issue 10: enterprise accounts ---
# Self-registration, password reset by SMS and invitations (wuyou.orgs.registration, orgs.sms_codes): a code
# of 6 digits, kept as an HMAC, lives SMS_CODE_SECONDS, is used once and checked at most SMS_CODE_MAX_TRIES
# times. Sends are limited in the shared store (core.throttle) per phone, per source address and per name
# typed on the reset page: [(sends, window seconds), …]. Always on, in tests too (nothing else sends codes).
SMS_CODE_SECONDS = int(os.environ.get("SMS_CODE_SECONDS", "600"))
SMS_CODE_MAX_TRIES = int(os.environ.get("SMS_CODE_MAX_TRIES", "5"))
SMS_SEND_LIMITS = {
    "phone": [(1, 60), (5, 3600), (10, 86400)],
    "ident": [(1, 60), (5, 3600), (10, 86400)],
    "address": [(int(os.environ.get("SMS_SEND_ADDRESS_HOUR", "20")), 3600), (50, 86400)],
}
WORKER_TASKS.insert(WORKER_TASKS.index("wuyou.notifications.tasks.deliver"), "wuyou.orgs.sms_codes.purge")
NO_STORE_PATH_PREFIXES.append("/register/")

# --- issue 10: search and saved views ---
# Saved views of the search page (appeals.views_search): how many one user may keep.
SAVED_VIEWS_PER_USER = int(os.environ.get("SAVED_VIEWS_PER_USER", "30"))

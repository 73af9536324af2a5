"""One settings module for every environment.

Development defaults work on a fresh machine (SQLite, Celery tasks run in-process);
production values come only from the environment (see README "Running for real").
"""
import datetime as dt
import sys
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Off unless asked for: ./run.sh sets DEBUG=true; a deployment that forgets it shows no tracebacks.
DEBUG = env.bool("DEBUG", default=False)
# The test run (pytest imports these settings in its own process; pytest-django forces DEBUG off):
# plain static storage and no HTTPS redirect/secure cookies, which the test client cannot satisfy.
TESTING = "pytest" in sys.modules
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The public address printed on QR posters and in e-mails (it must be reachable from parents' phones).
# Unset: the address the page was opened with (supervision.site); set, it wins.
SITE_URL = env("SITE_URL", default="").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "auditlog",
    "axes",
    # 二次验证 (动态口令, TOTP) for office staff: supervision.accounts.gate.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "supervision",
    "supervision.accounts",
    "supervision.audit",
    "schools",
    "inspections",
    # Parts of the domain beyond the monthly loop, each an app of its own inside its parent
    # (STYLE.md: split a growing app along a domain seam).
    "inspections.campaigns",
    "inspections.evaluations",
    "inspections.surveys",
    "inspections.cases",
    "inspections.complaints",
    "reports",
    "reports.monthly",
    "reports.annual",
    "reports.dashboard",
]

MIDDLEWARE = [
    "supervision.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "supervision.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "supervision.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "supervision.site.SiteURLMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # 安全审计: the request each audit entry belongs to, and every file handed out (exports, downloads).
    "supervision.audit.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "supervision.accounts.sessions.SessionTimeoutMiddleware",
    # After login, before anything else: a password to change, a 动态口令 to enter (supervision.accounts.gate).
    "supervision.accounts.gate.GateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a login refused for lockout into the Chinese lockout page (supervision.accounts).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "supervision.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "supervision.context_processors.workspace",
                "inspections.notifications.services.unread_count",
            ],
        },
    },
]

WSGI_APPLICATION = "supervision.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    # A kept connection that PostgreSQL dropped (restart, failover, pg_terminate_backend) is checked
    # before a request's first query and replaced, instead of failing that request with a 500.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account or address before any password is checked.
    "supervision.accounts.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Guardian: no anonymous user row; the public plaque page needs no permission.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "supervision.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "supervision.passwords.LeakedPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Issue 13 (等保 2.0 三级): three of four kinds of character, nothing personal.
    {"NAME": "supervision.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "supervision.passwords.NotPersonalValidator"},
]

# --- Login lockout (issue 13, 等保 2.0 三级 登录失败处理) --------------------------------------------
# 5 failures per account, and separately per address, lock for 15 minutes. The database handler
# (not the cache) so every process sees one count and tests roll it back.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# A try during the lock does not extend it: the time the page names is the time it lifts.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "supervision.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "supervision.accounts.lockout.lockout_response"
AXES_VERBOSE = False
# A wrong 动态口令 counts as a failed login (supervision.accounts.gate); the code itself is not kept.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token"]
# The name the phone's authenticator app shows beside the code.
OTP_TOTP_ISSUER = "教育督导系统"

# Sessions end after 30 idle minutes and after 12 hours in any case (seconds; supervision.accounts.sessions).
SESSION_IDLE_TIMEOUT = 30 * 60
SESSION_ABSOLUTE_TIMEOUT = 12 * 60 * 60
# An API token lasts this many days unless its owner asks for fewer (at most 365; supervision.accounts.services).
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=90)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Chinese first, English one .po file away; all dates in Asia/Shanghai.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Uploaded files are never served directly: every download goes through a permission-checked view.
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            # Chosen explicitly, not from DEBUG: production (and any DEBUG-off server) serves the hashed
            # manifest; ./run.sh sets the plain storage; the test run (pytest in this process, DEBUG
            # forced off) uses the plain storage too, so tests need no collectstatic.
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
ROSTER_MAX_UPLOAD_BYTES = env.int("ROSTER_MAX_UPLOAD_BYTES", default=5 * 1024 * 1024)
PHOTO_MAX_UPLOAD_BYTES = env.int("PHOTO_MAX_UPLOAD_BYTES", default=8 * 1024 * 1024)
# Rectification evidence (photos, PDF, Word, Excel) of a school's report: one file at most this size.
EVIDENCE_MAX_UPLOAD_BYTES = env.int("EVIDENCE_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
# Upload checks (supervision/uploads.py): an image's pixels before decoding (Pillow's limit too), a Word/
# Excel file's unpacked size (zip bombs), an Excel import's unpacked size and rows before openpyxl parses it.
UPLOAD_MAX_PIXELS = env.int("UPLOAD_MAX_PIXELS", default=40_000_000)
OFFICE_MAX_UNPACKED_BYTES = env.int("OFFICE_MAX_UNPACKED_BYTES", default=100 * 1024 * 1024)
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=30 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)

# /readyz fails when MEDIA_ROOT's disk has less free space than this.
READYZ_MIN_FREE_BYTES = env.int("READYZ_MIN_FREE_BYTES", default=1024 * 1024 * 1024)

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Cache / Celery -------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
        # A stopped or frozen Redis costs a request ~2 s, never a hang (issue 13: 23 s measured).
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
# Without a broker (the embedded default) tasks run in-process.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# A worker killed mid-task gives the message back instead of acknowledging it (issue 13).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# The longest job (the year-end PDF) is stopped at REPORT_JOB_TIME_LIMIT; the broker redelivers an
# unacknowledged message only after the visibility timeout, which must be longer, or a running job runs twice.
REPORT_JOB_TIME_LIMIT = env.int("REPORT_JOB_TIME_LIMIT", default=20 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3 * REPORT_JOB_TIME_LIMIT,
    "socket_connect_timeout": 2,
    "socket_timeout": 2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 2
# No endless publish retry inside a request: a refused publish fails fast and the caller records it.
CELERY_TASK_PUBLISH_RETRY = False
# A running job touches its row this often; one silent for REPORT_JOB_STALE_SECONDS has lost its worker.
REPORT_JOB_HEARTBEAT_SECONDS = env.int("REPORT_JOB_HEARTBEAT_SECONDS", default=5)
REPORT_JOB_STALE_SECONDS = env.int("REPORT_JOB_STALE_SECONDS", default=60)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Without a real `celery beat` (the embedded default), `manage.py runserver` runs this schedule in a
# thread of its own (supervision/scheduler.py); false when a beat process runs it.
EMBEDDED_BEAT = env.bool("EMBEDDED_BEAT", default=CELERY_TASK_ALWAYS_EAGER)
# Beat schedules live here, in one place; later issues add the monthly report jobs.
CELERY_BEAT_SCHEDULE: dict = {
    # Rectification: deadline-soon and overdue notices, escalation proposals (safe to run twice).
    "rectification-daily-checks": {
        "task": "inspections.daily_rectification_checks",
        "schedule": crontab(hour=7, minute=30),  # 07:30 in CELERY_TIMEZONE (Asia/Shanghai)
    },
    # Complaints not verified within 5 working days: the zone's supervisors and the director are told once.
    "complaints-overdue-reminders": {
        "task": "complaints.overdue_reminders",
        "schedule": crontab(hour=7, minute=45),
    },
    # monthly_reports: drafts for every zone on the 27th, reminders to lead supervisors on the 20th and 25th.
    "monthly-reports-drafts": {
        "task": "monthly_reports.drafts_on_27th",
        "schedule": crontab(day_of_month=27, hour=6, minute=0),
    },
    "monthly-reports-reminders": {
        "task": "monthly_reports.reminders",
        "schedule": crontab(day_of_month="20,25", hour=8, minute=0),
    },
}

# Watching the workers, every minute, only with a real broker (embedded, tasks run inside the web
# process: there is no worker to lose, and a job asked for again sweeps dead ones itself).
WORKER_BEAT_SCHEDULE = {
    # The worker's heartbeat: /readyz fails when the last one is older than 3 minutes.
    "worker-heartbeat": {"task": "supervision.worker_heartbeat", "schedule": 60.0},
    # Report jobs whose worker died (no heartbeat) are marked failed, so 重新生成 can start them anew.
    "report-jobs-sweep-dead": {"task": "reports.jobs_sweep_dead", "schedule": crontab(minute="*")},
    # The outbox: tasks the broker refused when asked for are sent once it is back (supervision/outbox.py;
    # in-process a task runs at commit, so there is nothing a broker could have refused).
    "outbox-drain": {"task": "supervision.outbox_drain", "schedule": 60.0},
}
if not CELERY_TASK_ALWAYS_EAGER:
    CELERY_BEAT_SCHEDULE.update(WORKER_BEAT_SCHEDULE)

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated API call answers 401 with WWW-Authenticate (mobile clients).
        # Named, expiring, revocable tokens (supervision.accounts), still sent as ``Authorization: Token <key>``;
        # the token's login is refused (403) while its password must be changed (supervision.accounts.gate).
        "supervision.accounts.gate.GatedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "supervision.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "教育督导系统 API",
    "DESCRIPTION": "County education-supervision office API (v1).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc are served from drf-spectacular-sidecar: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation's error answers and their bodies (supervision/openapi.py); the enum hook stays.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "supervision.openapi.document_errors",
    ],
    # Two models have a "kind" field with different choices: name their enums apart.
    "ENUM_NAME_OVERRIDES": {
        "SchoolKindEnum": "schools.choices.SchoolKind",
        "SupervisorKindEnum": "supervision.choices.SupervisorKind",
        # Offices and evaluation results both have a "level"; users show every role, take four of them.
        "OfficeLevelEnum": "supervision.choices.OfficeLevel",
        "RoleEnum": "supervision.choices.Role",
        "GrantableRoleEnum": "supervision.user_api.GRANTABLE_ROLES",
        # Several rectification models have a "status" field, each with its own choices.
        "ChecklistStatusEnum": "inspections.models.choices.ChecklistStatus",
        "TicketStatusEnum": "inspections.models.choices.TicketStatus",
        "ExtensionStatusEnum": "inspections.models.choices.ExtensionStatus",
        "EscalationStatusEnum": "inspections.models.choices.EscalationStatus",
        "JobStatusEnum": "reports.choices.JobStatus",
        "SubmissionPeriodEnum": "reports.choices.SubmissionPeriod",
        # One line per choices class each app adds (keep each app's lines under its own comment).
        # accounts
        "ApiTokenStatusEnum": "supervision.accounts.choices.TokenStatus",
        # monthly_reports
        "ZoneMonthlyReportStatusEnum": "reports.monthly.choices.ZoneMonthlyReportStatus",
        # annual
        # dashboard
        # campaigns
        # evaluations
        # surveys
        "SurveyStatusEnum": "inspections.surveys.choices.SurveyStatus",
        "QuestionKindEnum": "inspections.surveys.choices.QuestionKind",
        "SurveyAudienceEnum": "inspections.surveys.choices.Audience",
        "OncePerEnum": "inspections.surveys.choices.OncePer",
        # cases
        "CaseStatusEnum": "inspections.cases.choices.CaseStatus",
        "CaseActionEnum": "inspections.cases.choices.CaseAction",
        # complaints
        "ComplaintStatusEnum": "inspections.complaints.choices.ComplaintStatus",
        "ComplaintActionEnum": "inspections.complaints.choices.ComplaintAction",
        "ComplaintCategoryEnum": "inspections.complaints.choices.ComplaintCategory",
        "VerifyMethodEnum": "inspections.complaints.choices.VerifyMethod",
        "CloseOutcomeEnum": "inspections.complaints.choices.CloseOutcome",
        "ReporterKindEnum": "inspections.complaints.choices.ReporterKind",
        "ZoneCategoryEnum": "supervision.choices.ZoneCategory",  # zones and complaints both have a "category"
    },
}

# --- E-mail -------------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="督导系统 <noreply@localhost>")

# --- Browser policy: headers on every response ---------------------------------------------------
# Scripts only from this site (no inline script, no on…= handler: page behaviours live in static/js);
# inline styles stay allowed (style= attributes, htmx's indicator style).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}
SECURE_REFERRER_POLICY = "same-origin"
# Location for visits (later) and the camera for photo capture, from this site only; the rest off.
PERMISSIONS_POLICY = {
    "geolocation": "(self)",
    "camera": "(self)",
    "microphone": "()",
    "payment": "()",
    "usb": "()",
    "serial": "()",
    "bluetooth": "()",
    "midi": "()",
    "magnetometer": "()",
    "gyroscope": "()",
    "accelerometer": "()",
    "display-capture": "()",
    "fullscreen": "(self)",
    "interest-cohort": "()",
}

# --- Production hardening (check --deploy is clean when DEBUG is off) ---------------------------
if not DEBUG and not TESTING:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # HTTPS is expected (a TLS-terminating proxy in front). A plain-HTTP intranet trial sets
    # SECURE_SSL_REDIRECT, SESSION_COOKIE_SECURE, CSRF_COOKIE_SECURE to false and SECURE_HSTS_SECONDS
    # to 0 in .env, and accepts check --deploy's warnings about it.
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

# JSON lines in production (python-json-logger), plain text for ./run.sh. One handler, on the root
# logger only: Django's default config gave the "django" logger a console handler of its own, and with
# propagation to root every record was written twice; "disable_existing_loggers" plus "django"
# propagating to root with no handler of its own writes each record once.
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # The access log: one line per request (INFO), whatever the root level.
        "supervision.request": {"level": "INFO"},
    },
}
# Celery keeps Django's logging instead of adding its own handler to the root logger.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

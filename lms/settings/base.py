"""Settings shared by every environment, read from the environment (12-factor).

Every variable has an embedded default so a fresh clone runs with nothing set:
SQLite under var/, tasks in-process, e-mail on the console.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE, NONE, SELF

from lms.plugins.discovery import discover_plugins
from lms.themes import theme_static_dirs

BASE_DIR = Path(__file__).resolve().parents[2]
env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
# Where packages written by others (SCORM) run, never on the platform's origin (see
# lms/content_origin.py). Empty: content.<platform host>, content.localhost locally.
LMS_CONTENT_ORIGIN = env("LMS_CONTENT_ORIGIN", default="")
CONTENT_HOSTS = [urlsplit(LMS_CONTENT_ORIGIN).hostname] if LMS_CONTENT_ORIGIN else []
ALLOWED_HOSTS = [
    *env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", ".localhost"]),
    *CONTENT_HOSTS,
]
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Installed plugins are found through the "lms.plugins" entry point group; the
# broken ones are skipped and reported in the admin (see lms.plugins.discovery).
LMS_PLUGINS = discover_plugins()

INSTALLED_APPS = [
    "lms",
    "courses",
    "lms.api",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "lms.xapi_forwarding",
    "lms.webhooks",
    *LMS_PLUGINS,
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_rq",
    "django_ratelimit",
    "django_tasks_rq",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # Before anything that reads the Host: load balancers probe by IP (lms.health).
    "lms.health.HealthCheckMiddleware",
    "lms.api.problems.ProblemDetailsMiddleware",  # every /api/ error as RFC 9457
    # Then: the content origin gets no cookie and only its own views.
    "lms.content_origin.ContentOriginMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy of platform pages (django-csp), the content origin's
    # frames allowed; content-origin views set their own.
    "lms.content_origin.PlatformCSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lms.middleware.OrganisationMiddleware",
    "lms.middleware.PluginURLMiddleware",
    "lms.middleware.AdminAccessMiddleware",
    "lms.middleware.PageChooserStartMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so it sees the outcome of every authentication attempt.
    "axes.middleware.AxesMiddleware",
    # A view over its rate limit answers 429 (lms.limits).
    "django_ratelimit.middleware.RatelimitMiddleware",
]

# Platform pages: our own scripts only (an inline one needs the request's nonce,
# ``{{ request.csp_nonce }}``), frames from the content origin only (added per
# request), framed by nobody else.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],  # style attributes in templates
        "img-src": [SELF, "data:", "https:"],  # badges, avatars, embeds' thumbnails
        "media-src": [SELF, "https:"],
        "frame-src": [
            "https://www.youtube.com",
            "https://www.youtube-nocookie.com",
            "https://player.vimeo.com",
        ],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}
# The Wagtail admin's templates carry inline scripts (panels, date widgets): it
# keeps 'unsafe-inline' for scripts, and the rest of the platform's policy.
LMS_ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [SELF, "'unsafe-inline'", "'unsafe-eval'"],
        "img-src": [SELF, "data:", "blob:", "https:"],  # upload previews
        "frame-src": [SELF, "https:"],  # previews, embeds
    }
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "lms.auth.UsernameOrEmailBackend",
    # Model permissions answered for the organisation being served.
    "lms.permissions.OrganisationRoleBackend",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": False,
        "OPTIONS": {
            # Active theme, then the default theme, then app templates: see lms.themes.
            "loaders": [
                (
                    "lms.themes.loader.CachedLoader",
                    [
                        "lms.themes.loader.ThemeLoader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "lms.context_processors.organisation",
            ],
        },
    }
]

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'relais.sqlite3'}"
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep connections between requests (a new PostgreSQL connection costs milliseconds),
# checked before reuse so a restarted database is no trouble.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")

# Background work: the django-tasks API everywhere; RQ workers when Redis is there.
TASK_QUEUES = ["default", "high", "low"]
if REDIS_URL:
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": TASK_QUEUES}}
    # One cache shared by every host (Wagtail's site paths, rate limits, held
    # imports). Redis down, pages must not be: django-redis turns each failed call
    # into a miss (reads) or nothing (writes) and logs it, after a short timeout.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "relais",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": env.float(
                    "REDIS_CONNECT_TIMEOUT", default=0.5
                ),
                "SOCKET_TIMEOUT": env.float("REDIS_TIMEOUT", default=0.5),
            },
        }
    }
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # One process (development, tests): its own memory. Production never keeps a
    # cache in a process (lms/settings/production.py, lms.E103).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # django-ratelimit counts in one process's memory here: right for one process.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "lms.cache"
RQ_QUEUES = {
    name: {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 600}
    for name in TASK_QUEUES
}
# Tracked jobs (lms/jobs.py): the backend they go to, how many runs a job whose
# worker died gets, how often a running job's heartbeat is stamped, after how long
# without one its worker is taken for dead, and after how long a queued job that no
# worker took is queued again (a Redis restarted without its data).
LMS_JOBS_BACKEND = env("LMS_JOBS_BACKEND", default="default")
LMS_JOB_MAX_ATTEMPTS = env.int("LMS_JOB_MAX_ATTEMPTS", default=3)
# Package processing and imports one organisation may have unfinished at once
# (lms/limits.py): the workers are everyone's.
LMS_HEAVY_JOBS_PER_ORGANISATION = env.int("LMS_HEAVY_JOBS_PER_ORGANISATION", default=3)
LMS_JOB_HEARTBEAT = env.float("LMS_JOB_HEARTBEAT", default=15)
LMS_JOB_STALE_AFTER = env.float("LMS_JOB_STALE_AFTER", default=90)
LMS_JOB_REQUEUE_AFTER = env.float("LMS_JOB_REQUEUE_AFTER", default=900)
# Outgoing webhooks (lms/webhooks; the other LMS_WEBHOOKS_* have defaults there):
# plain http and private/loopback addresses only where a developer allows them.
LMS_WEBHOOKS_ALLOW_HTTP = env.bool("LMS_WEBHOOKS_ALLOW_HTTP", default=False)
LMS_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env.bool(
    "LMS_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=False
)

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "lms:login"
LOGIN_REDIRECT_URL = "lms:dashboard"
LOGOUT_REDIRECT_URL = "lms:login"

# Lock an account from one address after 5 failures, for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "lms.views.accounts.locked_out"
AXES_RESET_ON_SUCCESS = True
# One lock-out per account, whatever the case or whether its e-mail address is used.
AXES_USERNAME_CALLABLE = "lms.auth.lockout_username"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "lms" / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "var" / "static"))
STATICFILES_DIRS = theme_static_dirs(BASE_DIR / "themes")
# The H5P player (h5p-standalone) and the SCORM runtime (scorm-again) are npm
# packages installed by the set-up and served from our own origin (never a CDN).
for _package in ("h5p-standalone", "scorm-again"):
    if (BASE_DIR / "node_modules" / _package / "dist").is_dir():
        STATICFILES_DIRS.append(
            (_package, BASE_DIR / "node_modules" / _package / "dist")
        )
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"
# Files that must never be served straight from MEDIA_URL: their storages have no
# URL at all (base_url None), so the only way out is a view that checks who asks.
# "packages": H5P and SCORM packages, served on the content origin to the holder of
# a signed launch token. "private": people's files (evidence attachments, exports),
# served as downloads to the person and the roles that may see them.
PACKAGES_ROOT = env("PACKAGES_ROOT", default=str(BASE_DIR / "var" / "packages"))
PRIVATE_ROOT = env("PRIVATE_ROOT", default=str(BASE_DIR / "var" / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "packages": {
        "BACKEND": "lms.private_files.PrivateFileSystemStorage",
        "OPTIONS": {"location": PACKAGES_ROOT},
    },
    "private": {
        "BACKEND": "lms.private_files.PrivateFileSystemStorage",
        "OPTIONS": {"location": PRIVATE_ROOT},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Relais <relais@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

WAGTAIL_SITE_NAME = "Relais"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
# No request leaves the install unless its operator chooses it: no Gravatar (each
# admin page would send a hash of the person's e-mail address to a third party: a
# GDPR problem for an association), no check for new Wagtail releases.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Wagtail's autosave saves a page being created as a draft after half a second (so
# every page started and left leaves a draft behind) and, on a form that is not yet
# valid, posts a 400 the author never sees. Authors save drafts themselves.
WAGTAIL_AUTOSAVE_INTERVAL = 0
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Documents a phone can show open in the browser (a lesson's PDF, the règlement in
# plain text, a photo); anything that could run (HTML, SVG…) stays a download.
# Wagtail adds ``default-src 'none'`` and ``nosniff`` to every document it serves.
WAGTAILDOCS_CONTENT_TYPES = {"txt": "text/plain; charset=utf-8"}
WAGTAILDOCS_INLINE_CONTENT_TYPES = [
    "application/pdf",
    "text/plain; charset=utf-8",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
]

# Relais settings
LMS_INVITATION_VALID_DAYS = env.int("LMS_INVITATION_VALID_DAYS", default=14)
LMS_DIGEST_WEEKDAY = env.int("LMS_DIGEST_WEEKDAY", default=0)  # Monday
LMS_BADGE_EXPIRY_NOTICE_DAYS = env.int("LMS_BADGE_EXPIRY_NOTICE_DAYS", default=30)
# The notification centre: how long the bell's count is cached (it is also
# forgotten whenever a notification is added or read), and how long read
# notifications are kept.
LMS_NOTIFICATION_BELL_CACHE = env.int("LMS_NOTIFICATION_BELL_CACHE", default=3600)
LMS_NOTIFICATION_RETENTION_DAYS = env.int(
    "LMS_NOTIFICATION_RETENTION_DAYS", default=180
)
LMS_THEMES_DIRS = [BASE_DIR / "themes"]

# Packages written by others (H5P, SCORM), bounded before anything is unpacked
# (lms.archives): what one upload may hold and what it may unpack to.
LMS_H5P_MAX_UPLOAD_MB = env.int("LMS_H5P_MAX_UPLOAD_MB", default=100)
LMS_H5P_MAX_UNPACKED_MB = env.int("LMS_H5P_MAX_UNPACKED_MB", default=500)
LMS_H5P_MAX_JSON_MB = env.int("LMS_H5P_MAX_JSON_MB", default=8)
# A skill list longer than this offers the person's skills and a search instead.
LMS_SKILLS_MAX_CHOICES = env.int("LMS_SKILLS_MAX_CHOICES", default=300)
LMS_SCORM_MAX_UPLOAD_MB = env.int("LMS_SCORM_MAX_UPLOAD_MB", default=200)
LMS_SCORM_MAX_UNPACKED_MB = env.int("LMS_SCORM_MAX_UNPACKED_MB", default=1000)
LMS_SCORM_MAX_MANIFEST_KB = env.int("LMS_SCORM_MAX_MANIFEST_KB", default=1024)
LMS_PACKAGE_MAX_FILES = env.int("LMS_PACKAGE_MAX_FILES", default=5000)
# Unpacked / packed size: real packages stay under 10 per file and 3 overall.
LMS_PACKAGE_MAX_FILE_RATIO = env.int("LMS_PACKAGE_MAX_FILE_RATIO", default=100)
LMS_PACKAGE_MAX_RATIO = env.int("LMS_PACKAGE_MAX_RATIO", default=20)

# Limits that protect the service (lms/limits.py).
# Requests: a form or JSON body read into memory, and the number of its fields.
# Uploads (H5P, SCORM, imports) are streamed to disk past FILE_UPLOAD_MAX_MEMORY_SIZE
# and bounded by their own LMS_*_MAX_UPLOAD_MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2621440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=2000)
# Per person, in the shared cache: statements (xAPI, H5P, SCORM) and autosaves.
# A player sends a few statements a minute and an autosave every few seconds.
LMS_STATEMENT_RATE = env("LMS_STATEMENT_RATE", default="120/m")
LMS_AUTOSAVE_RATE = env("LMS_AUTOSAVE_RATE", default="60/m")
RATELIMIT_VIEW = "lms.limits.rate_limited"
# Redis down: nobody is limited rather than everybody refused.
RATELIMIT_FAIL_OPEN = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "lms": {"handlers": ["console"], "level": env("LMS_LOG_LEVEL", default="INFO")},
    },
}

# The public REST API (lms/api, docs/api.md): tokens only, organisation-scoped,
# RFC 9457 errors, cursor pages, a per-token rate limit in the Django cache. Its
# classes are set on its base viewset (lms.api.viewsets), not here, so Wagtail's
# own admin API (session, page chooser) keeps DRF's defaults.
REST_FRAMEWORK = {"DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"}
LMS_API_RATE_LIMIT = env("LMS_API_RATE_LIMIT", default="600/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": "Relais API",
    "DESCRIPTION": "People, learning, onboarding, badges and statements of one "
    "organisation, and what its enabled plugins add. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "PREPROCESSING_HOOKS": ["lms.api.schema.only_this_api"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "lms.api.schema.add_problem_responses",
    ],
}

"""Production: everything from the environment, secure by default.

Required: SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, WAGTAILADMIN_BASE_URL.
Recommended: REDIS_URL (RQ workers and a shared cache), EMAIL_URL, MEDIA_ROOT,
PACKAGES_ROOT, PRIVATE_ROOT, and LMS_CONTENT_ORIGIN (SCORM and H5P content, on another
registrable domain: ``check --deploy`` errors without it, see lms/checks.py).
"""

from .base import *

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = [*env.list("ALLOWED_HOSTS"), *CONTENT_HOSTS]

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# "__Host-": the browser takes these cookies only from the platform's own host (no
# Domain attribute, Secure, path /), so a page of a sibling host, such as content
# played on the content origin, cannot plant a session or CSRF cookie we would read.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
STORAGES["staticfiles"]["BACKEND"] = (
    "whitenoise.storage.CompressedManifestStaticFilesStorage"
)
# Static files served by the application itself, compressed and cache-busted.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)

if not REDIS_URL:
    # Several processes (gunicorn workers, hosts) share one cache, never a
    # process's memory: without Redis, a table (``manage.py createcachetable``).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "relais_cache",
        }
    }
    # django-ratelimit wants an atomic increment; a table's is close enough for
    # per-person limits of one install without Redis (a few extra requests).
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
else:
    SILENCED_SYSTEM_CHECKS = []

# Shared storage for several hosts (README, "Production"): an S3-compatible object
# store when LMS_S3_BUCKET is set, through django-storages; a shared volume
# (MEDIA_ROOT, PACKAGES_ROOT, PRIVATE_ROOT on it) otherwise.
LMS_S3_BUCKET = env("LMS_S3_BUCKET", default="")
if LMS_S3_BUCKET:
    from lms.object_storage import s3_storages

    STORAGES.update(
        s3_storages(
            bucket=LMS_S3_BUCKET,
            endpoint_url=env("LMS_S3_ENDPOINT_URL", default=None),
            region_name=env("LMS_S3_REGION", default=None),
            access_key=env("LMS_S3_ACCESS_KEY_ID", default=None),
            secret_key=env("LMS_S3_SECRET_ACCESS_KEY", default=None),
        )
    )

"""System checks of a deployment (``manage.py check --deploy``).

The content origin (``lms.content_origin``) is what keeps packages written by
others away from the platform's session: left unset, it is a subdomain of the
platform, same-site with it, which development accepts and production must not.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register


def _site(host):
    """The registrable domain of a host, approximately: its last two labels (a
    public suffix of two labels, such as ``co.uk``, makes this stricter, never
    laxer)."""
    return ".".join(host.lower().strip(".").split(".")[-2:])


def _platform_hosts():
    content = set(getattr(settings, "CONTENT_HOSTS", []))
    hosts = {host.lstrip(".") for host in settings.ALLOWED_HOSTS} - content
    admin = urlsplit(getattr(settings, "WAGTAILADMIN_BASE_URL", "")).hostname
    return {host for host in (*hosts, admin) if host and host != "*"}


@register(Tags.security, deploy=True)
def check_content_origin(app_configs=None, **kwargs):
    configured = settings.LMS_CONTENT_ORIGIN
    if not configured:
        return [
            Error(
                "LMS_CONTENT_ORIGIN is not set: SCORM and H5P content would run on "
                "a subdomain of the platform, which shares its cookies' site.",
                hint="Set LMS_CONTENT_ORIGIN to an origin on another registrable "
                "domain, e.g. https://content.relais-lessons.example.",
                id="lms.E101",
            )
        ]
    host = urlsplit(configured).hostname or ""
    same = sorted(h for h in _platform_hosts() if _site(h) == _site(host))
    if same:
        return [
            Error(
                f"LMS_CONTENT_ORIGIN ({configured}) is on the same site as the "
                f"platform ({', '.join(same)}): a package could send requests "
                "carrying the learner's session.",
                hint="Use another registrable domain for the content origin.",
                id="lms.E102",
            )
        ]
    return []


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs=None, **kwargs):
    """Several processes or hosts share one cache (rate limits, held imports,
    Wagtail's site paths): a process's own memory is a bug in production."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            Error(
                "The cache lives in one process's memory.",
                hint="Set REDIS_URL, or use lms.settings.production (a database "
                "cache without Redis).",
                id="lms.E103",
            )
        ]
    return []

"""The content origin: where HTML and JavaScript written by others run.

A SCORM package is a small web site: its pages frame each other and call each
other's functions, so they need one real origin of their own, which an opaque
``sandbox`` cannot give them (every document there gets a different origin). H5P
content runs there too, sandboxed on top. A separate origin, never the platform's:

* the platform's cookies are host-only, so the browser never sends them there; a
  request to the content origin is stripped of any cookie anyway, and a response
  from it sets none (in production the platform's cookies carry the ``__Host-``
  prefix, so a page there cannot plant one the platform would read either);
* only views marked ``@content_view`` answer there (404 for everything else), and
  those views answer nowhere else; each is authenticated by a signed token in its
  URL, so with no cookie to ride on it is CSRF-safe by construction;
* the platform refuses requests sent by pages of the content origin: their
  ``Origin``, or, for the requests a browser sends without one, a same-site
  ``Sec-Fetch-Site`` outside a navigation. Never the Referer, which the content
  pages' own Referrer-Policy withholds. A package's script cannot call the
  platform's views with the learner's session;
* the platform's pages may frame the content origin and nothing else
  (``PlatformCSPMiddleware``).

``LMS_CONTENT_ORIGIN`` names the origin (``https://content.relais-cdn.example``, on
another registrable domain; ``manage.py check --deploy`` says so, see
``lms.checks``). Left empty, it is ``content.<the platform's host>``
(``content.localhost`` for an IP address or localhost) on the same scheme and port:
no set-up for development, tests and the demo.
"""

import ipaddress
from functools import wraps
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import Http404, HttpResponseForbidden
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt

PREFIX = "content."


def content_origin(request):
    """``scheme://host[:port]`` of the content origin for this platform request."""
    configured = settings.LMS_CONTENT_ORIGIN
    if configured:
        return configured.rstrip("/")
    host, port = _split(request.get_host())
    if host == "localhost" or _is_ip(host):
        host = "localhost"
    return f"{request.scheme}://{PREFIX}{host}{f':{port}' if port else ''}"


def is_content_host(request):
    host = request.get_host()
    configured = settings.LMS_CONTENT_ORIGIN
    if configured:
        return host == urlsplit(configured).netloc
    return _split(host)[0].startswith(PREFIX)


def content_view(view):
    """Mark a view as one the content origin serves, and only there. The token in
    its URL is the credential: no cookie reaches it, hence no CSRF check; it decides
    itself who may frame it (Content-Security-Policy ``frame-ancestors``)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    wrapped.content_view = True
    return csrf_exempt(xframe_options_exempt(wrapped))


class ContentOriginMiddleware:
    """First in the chain: keeps the content origin and the platform apart."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.is_content_origin = is_content_host(request)
        if request.is_content_origin:
            request.COOKIES = {}
            request.META.pop("HTTP_COOKIE", None)
        elif _sent_from_content_origin(request):
            return HttpResponseForbidden(
                _("Content played in a lesson cannot call the platform.")
            )
        response = self.get_response(request)
        if request.is_content_origin:
            response.cookies.clear()
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "content_view", False) != request.is_content_origin:
            raise Http404
        return None


def _sent_from_content_origin(request):
    """Sent by a page of the content origin: its ``Origin`` (every POST, every
    fetch), else a same-site ``Sec-Fetch-Site`` on a request that is not a
    navigation (images, scripts, frames: sent with ``SameSite=Lax`` cookies). A
    content origin on another registrable domain is cross-site and gets no such
    cookie at all. Following a link in a package stays possible."""
    if request.headers.get("Origin") == content_origin(request):
        return True
    return (
        request.headers.get("Sec-Fetch-Site") == "same-site"
        and request.headers.get("Sec-Fetch-Mode") != "navigate"
    )


class PlatformCSPMiddleware(CSPMiddleware):
    """django-csp's policy (``CONTENT_SECURITY_POLICY``), plus the content origin of
    this request among the frames a platform page may hold. The Wagtail admin's own
    templates still use inline scripts: ``/admin/`` gets
    ``LMS_ADMIN_CONTENT_SECURITY_POLICY`` instead. The content origin's views set
    their own policy, which is kept."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        if request.path_info.startswith("/admin/"):
            parts.config = settings.LMS_ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        if not getattr(request, "is_content_origin", False):
            frames = [
                *(parts.update or {}).get("frame-src", ()),
                content_origin(request),
            ]
            parts.update = {**(parts.update or {}), "frame-src": frames}
        return parts


def _split(host):
    """("host", "port" or "") from a Host header, IPv6 literals included."""
    if host.startswith("["):
        literal, _bracket, rest = host[1:].partition("]")
        return literal, rest.removeprefix(":")
    name, _colon, port = host.partition(":")
    return name, port


def _is_ip(host):
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True

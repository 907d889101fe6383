from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from wagtail.models import Site

from lms.models import Membership, OrganisationSettings
from lms.models.people import ADMIN_ROLES
from lms.models.scoping import current_organisation
from lms.plugins.activation import enabled_for_request, url_owner
from lms.themes import active_theme, available_themes


def _membership(request):
    if not request.user.is_authenticated or request.organisation is None:
        return None
    return (
        Membership.objects.active()
        .filter(user=request.user, organisation=request.organisation)
        .select_related("team")
        .first()
    )


def preferred_language(request, organisation_settings):
    """The person's own choice, then the language cookie, then the organisation's."""
    supported = {code for code, _name in settings.LANGUAGES}
    candidates = []
    if request.user.is_authenticated:
        profile = getattr(request.user, "wagtail_userprofile", None)
        candidates.append(profile and profile.preferred_language)
    candidates.append(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    candidates.append(organisation_settings.language if organisation_settings else None)
    return next(
        (code for code in candidates if code in supported), settings.LANGUAGE_CODE
    )


class OrganisationMiddleware:
    """Finds the request's organisation (its Wagtail Site), the person's membership
    there, and sets the organisation's theme and the person's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organisation = Site.find_for_request(request)
        request.membership = _membership(request)
        organisation_settings = (
            OrganisationSettings.for_organisation(request.organisation)
            if request.organisation
            else None
        )
        theme = organisation_settings.theme if organisation_settings else "default"
        if theme not in available_themes():
            theme = "default"
        language = preferred_language(request, organisation_settings)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        token = active_theme.set(theme)
        organisation_token = current_organisation.set(request.organisation)
        try:
            response = self.get_response(request)
        finally:
            active_theme.reset(token)
            current_organisation.reset(organisation_token)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response


class AdminAccessMiddleware:
    """The one gate of the Wagtail admin: past its login page, a person who is
    not a superuser needs an active membership with an admin role (trainer,
    coordinator, organisation admin) in the organisation whose admin this is.

    Rights are answered per organisation too (``lms.permissions``); this gate
    also holds against a right granted by hand to a global group.
    """

    OPEN = frozenset(
        {
            "wagtailadmin_login",
            "wagtailadmin_sprite",
            "wagtailadmin_javascript_catalog",
            "wagtailadmin_password_reset",
            "wagtailadmin_password_reset_done",
            "wagtailadmin_password_reset_confirm",
            "wagtailadmin_password_reset_complete",
        }
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from wagtail.admin.auth import reject_request

        match = request.resolver_match
        user = request.user
        if (
            match is None
            or not match.route.startswith(self.admin_route())
            or match.url_name in self.OPEN
            or not user.is_authenticated  # Wagtail sends them to its login
            or user.is_superuser
        ):
            return None
        membership = getattr(request, "membership", None)
        if membership is not None and membership.role in ADMIN_ROLES:
            return None
        if request.headers.get("x-requested-with") != "XMLHttpRequest":
            messages.error(
                request, _("You do not have permission to access the admin.")
            )
        return reject_request(request)  # as Wagtail does: its login page, or 403

    @staticmethod
    def admin_route():
        from django.urls import reverse

        return reverse("wagtailadmin_home").lstrip("/")


class PluginURLMiddleware:
    """A plugin's pages, admin screens included, answer 404 on organisations
    that have not enabled it (``lms.plugins.activation.url_owner``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.is_content_origin:
            return None  # no organisation here: content views check their token's
        match = request.resolver_match
        owner = url_owner(match) if match else None
        if owner is not None and owner not in enabled_for_request(request):
            raise Http404("This feature is not enabled here.")
        return None


class PageChooserStartMiddleware:
    """Wagtail's page chooser opens at the install's root, where an organisation's
    editors find one page (their home: the scoping hooks hide the rest) and must
    click once more. It opens at the organisation's home page instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from django.shortcuts import redirect
        from django.urls import reverse

        match = request.resolver_match
        organisation = getattr(request, "organisation", None)
        if (
            match is None
            or match.url_name != "wagtailadmin_choose_page"
            or organisation is None
            # A chooser for one page type starts at where those pages are.
            or request.GET.get("page_type", "wagtailcore.page") != "wagtailcore.page"
        ):
            return None
        url = reverse(
            "wagtailadmin_choose_page_child", args=[organisation.root_page_id]
        )
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url)

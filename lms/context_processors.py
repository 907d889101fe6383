from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lms.data_requests import may_decide_erasures
from lms.models import OrganisationSettings, Role
from lms.plugins.activation import site_hooks
from lms.plugins.menu import (
    ACCOUNT,
    AUTHORING,
    COORDINATION,
    LEARNING,
    MENU_GROUPS,
    REPORTS,
    MenuLink,
)

GROUP_HEADINGS = {
    LEARNING: _("My learning"),
    COORDINATION: _("Coordination"),
    REPORTS: _("Reports"),
    AUTHORING: _("Authoring"),
    ACCOUNT: _("My account"),
}


def _core_links(request):
    user, membership = request.user, request.membership
    links = [MenuLink(_("My dashboard"), reverse("lms:dashboard"))]
    if user.is_superuser or (membership and membership.manages_people):
        links.append(MenuLink(_("People"), reverse("lms:people"), COORDINATION))
    if user.is_superuser or (
        membership and (membership.authors_content or membership.manages_people)
    ):
        links.append(
            MenuLink(_("Administration"), reverse("wagtailadmin_home"), AUTHORING)
        )
    if user.is_superuser or membership:
        links.append(MenuLink(_("My data"), reverse("lms:my_data"), ACCOUNT))
        links.append(
            MenuLink(_("My API tokens"), reverse("api_account:tokens"), ACCOUNT)
        )
    if user.is_superuser or (membership and membership.role == Role.ADMIN):
        links.append(
            MenuLink(_("Privacy and retention"), reverse("lms:retention"), ACCOUNT)
        )
    if user.is_superuser or (membership and membership.manages_people):
        links.append(
            MenuLink(_("Register of processing"), reverse("lms:register"), REPORTS)
        )
    if membership and may_decide_erasures(request):
        links.append(
            MenuLink(
                _("Erasure requests"), reverse("lms:erasure_requests"), COORDINATION
            )
        )
    return links


def menu_groups(request):
    """The main menu: (group, heading, links) for each group holding a link, the
    core's links first, then those of the organisation's plugins."""
    links = _core_links(request)
    for hook in site_hooks("lms_register_menu_items", request):
        links.extend(hook(request) or [])
    return [
        (group, GROUP_HEADINGS[group], grouped)
        for group in MENU_GROUPS
        if (grouped := [link for link in links if link.group == group])
    ]


def organisation(request):
    """The organisation, the person's membership and the main menu."""
    if not hasattr(request, "organisation"):
        return {}

    def menu():
        if not request.user.is_authenticated:
            return []
        if not hasattr(request, "_lms_menu"):
            request._lms_menu = menu_groups(request)
        return request._lms_menu

    def unread_notifications():
        if not (request.user.is_authenticated and request.organisation):
            return 0
        if not hasattr(request, "_lms_unread"):
            from lms.notifications import unread_count

            request._lms_unread = unread_count(request.user, request.organisation)
        return request._lms_unread

    organisation = request.organisation
    return {
        "unread_notifications": unread_notifications,
        "organisation": organisation,
        "organisation_settings": organisation
        and OrganisationSettings.for_organisation(organisation),
        "membership": request.membership,
        "menu_groups": menu,
    }

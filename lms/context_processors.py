from lms.models import OrganisationSettings
from lms.plugins.activation import site_hooks


def organisation(request):
    """The organisation, the person's membership and the plugins' menu items."""
    if not hasattr(request, "organisation"):
        return {}

    def menu_items():
        items = []
        for hook in site_hooks("lms_register_menu_items", request):
            items.extend(hook(request) or [])
        return items

    organisation = request.organisation
    return {
        "organisation": organisation,
        "organisation_settings": organisation
        and OrganisationSettings.for_organisation(organisation),
        "membership": request.membership,
        "plugin_menu_items": menu_items,
    }

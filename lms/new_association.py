"""Creating an organisation: its home page, its address, its look, its teams, its
plugins and its first admin, in one transaction.

``create_organisation`` is the bare organisation (a home page and the Wagtail Site
that serves it), shared by the demo. ``create_association`` is what a federation's
admin gets from the guided flow: everything a new member association needs to
invite its first volunteer, the learning core and plugins adding their part (the
course catalogue, the starter kit) through the ``lms_construct_new_organisation``
hook.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from wagtail import hooks
from wagtail.images.models import Image
from wagtail.models import Page, Site

from lms.models import (
    HomePage,
    OrganisationSettings,
    PluginActivation,
    Role,
    Team,
    organisation_collection,
)
from lms.people import join_organisation
from lms.plugins.activation import enabled_labels, installed_plugins, runs_here

LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")

# The teams every new association starts with, in its default language; renamed or
# deleted on the Teams screen.
DEFAULT_TEAMS = {
    "fr": ["Accueil", "Activités", "Logistique"],
    "en": ["Welcome desk", "Activities", "Logistics"],
}


def is_federation(site) -> bool:
    """A federation is an organisation with member associations."""
    return (
        site is not None
        and OrganisationSettings.objects.filter(federation=site).exists()
    )


def organisation_hostname(address: str, federation: Site) -> str:
    """The web address an association is served at, from what its founder typed:
    a short name becomes ``name.<federation's address>``, a full address (with a
    dot) is kept. Raises ValidationError, with a message for people, otherwise."""
    value = (address or "").strip().lower()
    value = re.sub(r"^https?://", "", value).rstrip("/")
    if not value:
        raise ValidationError(_("Enter a web address."), code="required")
    hostname = value if "." in value else f"{value}.{federation.hostname}"
    labels = hostname.split(".")
    if len(hostname) > 253 or not all(LABEL.match(label) for label in labels):
        raise ValidationError(
            _(
                "Use only lowercase letters, digits and hyphens (no spaces or "
                "accents), for example %(example)s."
            ),
            params={"example": f"mon-asso.{federation.hostname}"},
            code="invalid",
        )
    if Site.objects.filter(hostname=hostname).exists():
        raise ValidationError(
            _("%(address)s is already the address of another organisation."),
            params={"address": hostname},
            code="taken",
        )
    return hostname


def create_organisation(name, hostname, *, port=80, slug=None, **home_fields) -> Site:
    """A new organisation: its home page at the top of the page tree and the site
    that serves it at ``hostname``."""
    root = Page.get_first_root_node()
    slug = slug or slugify(hostname.replace(".", "-"))[:200]
    home = root.add_child(instance=HomePage(title=name, slug=slug, **home_fields))
    return Site.objects.create(
        hostname=hostname, port=port, root_page=home, site_name=name
    )


@dataclass
class Logo:
    """An uploaded logo kept between the flow's screens."""

    name: str
    content: bytes


@dataclass
class NewAssociation:
    """What the guided flow collected."""

    name: str
    hostname: str
    brand_colour: str
    languages: list[str]
    plugins: list[str] = field(default_factory=list)
    logo: Logo | None = None

    @property
    def language(self):
        """The default language: French when chosen, else the first one."""
        return "fr" if "fr" in self.languages else self.languages[0]


HOME_INTRODUCTION = _("Welcome! Your volunteer onboarding starts here.")


@transaction.atomic
def create_association(new: NewAssociation, *, federation: Site, founder) -> Site:
    """Create the association ``new`` describes, a member of ``federation``, with
    ``founder`` as its admin. All or nothing: an error anywhere leaves nothing."""
    with override(new.language):
        introduction = str(HOME_INTRODUCTION)
    site = create_organisation(
        new.name, new.hostname, port=federation.port, introduction=introduction
    )
    settings = OrganisationSettings.for_site(site)
    settings.brand_colour = new.brand_colour
    settings.language = new.language
    settings.federation = federation
    if new.logo is not None:
        settings.logo = Image.objects.create(
            title=new.name,
            file=ContentFile(new.logo.content, name=new.logo.name),
            collection=organisation_collection(site),
        )
    settings.full_clean(exclude=["site"])
    settings.save()
    Team.objects.bulk_create(
        Team(organisation=site, name=name) for name in DEFAULT_TEAMS[new.language]
    )
    installed = {plugin.label for plugin in installed_plugins()}
    PluginActivation.objects.bulk_create(
        PluginActivation(organisation=site, app_label=label)
        for label in new.plugins
        if label in installed
    )
    join_organisation(founder, site, role=Role.ADMIN)
    enabled = enabled_labels(site)
    for hook in hooks.get_hooks("lms_construct_new_organisation"):
        if runs_here(hook, enabled):
            hook(site, new.languages)
    return site

"""An organisation is a Wagtail Site: its hostname, home page, settings and teams."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Collection, CollectionMember, Page, Site

from lms.colours import validate_brand_colour
from lms.themes import theme_choices

from .scoping import OrganisationQuerySet, register_scope


@register_setting(icon="site")
class OrganisationSettings(BaseSiteSetting):
    """What an organisation admin sets without code: look, language, logo."""

    theme = models.CharField(
        _("theme"), max_length=64, default="default", choices=theme_choices
    )
    brand_colour = models.CharField(
        _("brand colour"),
        max_length=7,
        default="#1d4ed8",
        validators=[validate_brand_colour],
        help_text=_("Used for the header and buttons, with white text on it."),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(
        _("default language"),
        max_length=8,
        default="fr",
        choices=[("fr", "Français"), ("en", "English")],
        help_text=_("People who have not chosen a language see the site in this one."),
    )

    federation = models.ForeignKey(
        Site,
        verbose_name=_("member of the federation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The federation's shared courses are offered to your members."),
    )

    invitation_text = models.TextField(
        _("invitation message"),
        blank=True,
        help_text=_(
            "A few words of welcome, added to every invitation e-mail above the link."
        ),
    )

    panels = [
        FieldPanel("theme"),
        FieldPanel("brand_colour"),
        FieldPanel("logo"),
        FieldPanel("language"),
        FieldPanel("federation"),
        FieldPanel("invitation_text"),
    ]

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    @classmethod
    def for_organisation(cls, site):
        """The settings of ``site``, read once and kept on that Site instance
        (the request's organisation is one instance for the whole request)."""
        if not hasattr(site, "_lms_settings"):
            site._lms_settings = cls.for_site(site)
        return site._lms_settings


class Team(models.Model):
    """A team inside an organisation (front desk, distribution, …)."""

    organisation = models.ForeignKey(
        Site,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="teams",
    )
    name = models.CharField(_("name"), max_length=120)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="lms_team_unique_name"
            )
        ]

    def __str__(self):
        return self.name


def organisation_collection(site: Site) -> Collection:
    """The image and document collection of an organisation, made on first use."""
    root = Collection.get_first_root_node()
    name = f"{site.site_name or site.hostname} ({site.pk})"
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)


@register_scope(Page)
def organisation_pages(queryset, organisation):
    """An organisation's pages: its site's tree. Models whose pages other
    organisations may use (a federation's shared courses) declare their own."""
    return queryset.filter(path__startswith=organisation.root_page.path)


@register_scope(CollectionMember)
def organisation_media(queryset, organisation):
    """An organisation's images and documents: those in its collection."""
    return queryset.filter(
        collection__path__startswith=organisation_collection(organisation).path
    )

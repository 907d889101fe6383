from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, UsageCountColumn
from wagtail.models import ReferenceIndex
from wagtail.snippets.models import register_snippet

from lms import jobs
from lms.limits import HeavyUploadMixin
from lms.plugins.menu import REPORTS, MenuLink
from lms.snippets import (
    OrganisationCreateView,
    OrganisationSnippetViewSet,
    ReadyPackageChooserViewSet,
    RenamePackageView,
)
from relais_scorm.blocks import ScormActivityBlock
from relais_scorm.models import ScormPackage
from relais_scorm.tasks import process_package


class UploadView(HeavyUploadMixin, OrganisationCreateView):
    def save_instance(self):
        package = self.form.instance
        package.uploaded_by = self.request.user
        package.size = package.package.size
        instance = super().save_instance()
        # Checked and extracted in the background: a large zip never blocks the page.
        jobs.submit(
            process_package,
            instance.pk,
            organisation=instance.organisation,
            request=self.request,
            waiting_note=_("The package will be checked in a few minutes."),
        )
        return instance


class PreviewColumn(Column):
    def get_value(self, instance):
        if instance.status != ScormPackage.Status.READY:
            return ""
        return format_html(
            '<a href="{}">{}</a>',
            reverse("scorm:preview", args=[instance.pk]),
            _("Try it"),
        )


class ScormPackageViewSet(OrganisationSnippetViewSet):
    model = ScormPackage
    icon = "media"
    menu_label = _("SCORM packages")
    add_to_admin_menu = False  # shown through lms_register_admin_menu_items, per site
    add_view_class = UploadView
    edit_view_class = RenamePackageView
    chooser_viewset_class = ReadyPackageChooserViewSet
    list_display = [
        "title",
        Column("version", label=_("SCORM version")),
        Column("item_count", label=_("Parts")),
        Column("get_status_display", label=_("Status")),
        Column("error", label=_("Why it failed")),
        Column("size", label=_("Size (bytes)")),
        Column("uploaded_by", label=_("Uploaded by")),
        UsageCountColumn("usage_count", label=_("Used in")),
        PreviewColumn("preview", label=_("Preview")),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("uploaded_by")
            .annotate(usage_count=ReferenceIndex.usage_count_subquery(ScormPackage))
        )


viewset = ScormPackageViewSet()
register_snippet(viewset)


@hooks.register("lms_register_admin_menu_items")
def add_packages_menu_item(request):
    if not request.user.has_perm("scorm.add_scormpackage"):
        return []
    return [
        MenuItem(
            _("SCORM packages"),
            reverse(viewset.get_url_name("list")),
            icon_name="media",
            order=235,
        )
    ]


@hooks.register("lms_register_menu_items")
def add_results_link(request):
    membership = getattr(request, "membership", None)
    if membership and (membership.authors_content or membership.manages_people):
        return [MenuLink(_("SCORM results"), reverse("scorm:results"), REPORTS)]
    return []


@hooks.register("lms_register_lesson_blocks")
def add_scorm_block():
    return [("scorm", ScormActivityBlock())]


@hooks.register("lms_construct_demo")
def add_scorm_demo(site, people):
    from relais_scorm.demo import construct_demo

    construct_demo(site, people)

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, UsageCountColumn
from wagtail.models import ReferenceIndex
from wagtail.snippets.models import register_snippet

from lms import jobs
from lms.limits import HeavyUploadMixin
from lms.models import Role
from lms.plugins.menu import AUTHORING, REPORTS, MenuLink
from lms.snippets import (
    OrganisationCreateView,
    OrganisationSnippetViewSet,
    ReadyPackageChooserViewSet,
    RenamePackageView,
)
from relais_h5p.blocks import H5PActivityBlock
from relais_h5p.models import H5PContent
from relais_h5p.tasks import process_package


class UploadView(HeavyUploadMixin, OrganisationCreateView):
    def save_instance(self):
        content = self.form.instance
        content.uploaded_by = self.request.user
        content.size = content.package.size
        instance = super().save_instance()
        # Extracted in the background: a large package never blocks the request.
        jobs.submit(
            process_package,
            instance.pk,
            organisation=instance.organisation,
            request=self.request,
            waiting_note=_("The package will be checked in a few minutes."),
        )
        return instance


class H5PContentViewSet(OrganisationSnippetViewSet):
    model = H5PContent
    icon = "media"
    menu_label = _("H5P library")
    add_to_admin_menu = False  # shown through lms_register_admin_menu_items, per site
    add_view_class = UploadView
    chooser_viewset_class = ReadyPackageChooserViewSet
    edit_view_class = RenamePackageView
    list_display = [
        "title",
        Column("main_library", label=_("Content type")),
        Column("get_status_display", label=_("Status")),
        Column("error", label=_("Why it failed")),
        Column("warning_text", label=_("Warnings")),
        Column("library_list", label=_("Libraries")),
        Column("size", label=_("Size (bytes)")),
        Column("uploaded_by", label=_("Uploaded by")),
        UsageCountColumn("usage_count", label=_("Used in")),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("uploaded_by")
            .prefetch_related("libraries")
            .annotate(usage_count=ReferenceIndex.usage_count_subquery(H5PContent))
        )


viewset = H5PContentViewSet()
register_snippet(viewset)


@hooks.register("lms_register_admin_menu_items")
def add_library_menu_item(request):
    if not request.user.has_perm("h5p.add_h5pcontent"):
        return []
    return [
        MenuItem(
            _("H5P library"),
            reverse(viewset.get_url_name("list")),
            icon_name="media",
            order=230,
        )
    ]


@hooks.register("lms_register_menu_items")
def add_results_link(request):
    membership = getattr(request, "membership", None)
    links = []
    if membership and (membership.authors_content or membership.manages_people):
        links.append(MenuLink(_("H5P results"), reverse("h5p:results"), REPORTS))
    if membership and membership.role in (Role.TRAINER, Role.ADMIN):
        links.append(
            MenuLink(_("H5P library versions"), reverse("h5p:libraries"), AUTHORING)
        )
    return links


@hooks.register("lms_register_lesson_blocks")
def add_h5p_block():
    return [("h5p", H5PActivityBlock())]


@hooks.register("lms_construct_demo")
def add_h5p_demo(site, people):
    from relais_h5p.demo import construct_demo

    construct_demo(site, people)

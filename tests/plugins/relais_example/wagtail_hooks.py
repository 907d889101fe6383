from django.urls import reverse
from wagtail import blocks, hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from courses.blocks import ActivityBlock
from lms.plugins.menu import MenuLink


class ExamplePanel(Component):
    template_name = "relais_example/panel.html"


@hooks.register("lms_register_dashboard_panels")
def add_panel(request, panels):
    panels.append(ExamplePanel())


@hooks.register("lms_register_person_panels")
def add_person_panel(request, membership, panels):
    panels.append(ExamplePanel())


@hooks.register("lms_register_menu_items")
def add_menu_link(request):
    return [MenuLink("Example plugin page", reverse("example:hello"))]


@hooks.register("lms_register_admin_menu_items")
def add_admin_menu_item(request):
    return [MenuItem("Example admin", "/example/", name="example-admin")]


@hooks.register("lms_register_admin_reports")
def add_report(request):
    return [MenuItem("Example report", "/example/", name="example-report")]


class ExampleActivity(ActivityBlock):
    prompt = blocks.CharBlock()

    class Meta:
        template = "relais_example/activity.html"


@hooks.register("lms_register_lesson_blocks")
def add_lesson_block():
    return [("example_activity", ExampleActivity())]

"""The skills admin (Wagtail snippets of the organisation's own objects, through
``lms.snippets``): frameworks and their scale, groups, skills, role profiles with
what they need, and what each activity develops."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column

from lms.snippets import OrganisationSnippetViewSet
from relais_skills.admin_forms import FrameworkForm, SkillForm, SkillTagForm
from relais_skills.models import Framework, RoleProfile, Skill, SkillGroup, SkillTag


class FrameworkViewSet(OrganisationSnippetViewSet):
    model = Framework
    icon = "folder-open-inverse"
    menu_label = _("Frameworks")
    list_display = ["name", Column("rule", label=_("Current level"))]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("description"),
            FieldPanel("levels"),
            FieldPanel("rule"),
            FieldPanel("shared_with_members"),
        ],
        base_form_class=FrameworkForm,
    )


class SkillGroupViewSet(OrganisationSnippetViewSet):
    model = SkillGroup
    icon = "folder-inverse"
    menu_label = _("Skill groups")
    list_display = ["name", Column("framework", label=_("Framework"))]
    search_fields = ["name"]
    panels = [
        FieldPanel("framework"),
        FieldPanel("parent"),
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("uri"),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("framework")


class SkillViewSet(OrganisationSnippetViewSet):
    model = Skill
    icon = "pick"
    menu_label = _("Skills")
    list_display = [
        "name",
        Column("group", label=_("Group")),
        Column("valid_days", label=_("Valid for (days)")),
    ]
    search_fields = ["name", "alt_labels"]
    list_filter = ["framework"]
    edit_handler = ObjectList(
        [
            FieldPanel("framework"),
            FieldPanel("group"),
            FieldPanel("name"),
            FieldPanel("description"),
            FieldPanel("alt_labels"),
            FieldPanel("uri"),
            FieldPanel("valid_days"),
            FieldPanel("renewal_course"),
        ],
        base_form_class=SkillForm,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("group", "framework")


class RoleProfileViewSet(OrganisationSnippetViewSet):
    model = RoleProfile
    icon = "group"
    menu_label = _("Role profiles")
    list_display = ["name", Column("team", label=_("Team"))]


class SkillTagViewSet(OrganisationSnippetViewSet):
    model = SkillTag
    icon = "tag"
    menu_label = _("What activities develop")
    list_display = [
        Column("label", label=_("Activity")),
        Column("skill", label=_("Skill")),
        Column("level", label=_("Level")),
    ]
    edit_handler = ObjectList(
        [FieldPanel("object_id"), FieldPanel("skill"), FieldPanel("level")],
        base_form_class=SkillTagForm,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("skill")


frameworks, groups, skills, profiles, tags = (
    FrameworkViewSet(),
    SkillGroupViewSet(),
    SkillViewSet(),
    RoleProfileViewSet(),
    SkillTagViewSet(),
)
VIEWSETS = (frameworks, groups, skills, profiles, tags)

"""Missions in the Wagtail admin: a snippet of the organisation's own objects
(``lms.snippets``), its team and path chosen among the organisation's, its slots on
the week grid and, when a skills plugin is on, the skills wanted."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column

from lms.availability import WeekGridField
from lms.models.scoping import current_organisation
from lms.skills import skill_choices
from lms.snippets import OrganisationSnippetViewSet
from relais_recruitment.models import Mission


class MissionForm(WagtailAdminModelForm):
    slots = WeekGridField(label=_("Recurring slots"))
    skills = forms.MultipleChoiceField(
        label=_("Skills wanted"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = current_organisation.get()
        # Through the core's skills contract: nothing to choose without a skills
        # plugin on here.
        choices = [
            (choice.key, choice.label)
            for choice in (skill_choices(organisation, None) if organisation else [])
        ]
        if choices:
            self.fields["skills"].choices = choices
        else:
            del self.fields["skills"]

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The last day comes after the first."))
        if not data.get("remote") and not (data.get("city") or data.get("address")):
            self.add_error("city", _("Say where it takes place, or tick “remote”."))
        return data


class MissionViewSet(OrganisationSnippetViewSet):
    model = Mission
    icon = "group"
    menu_label = _("Missions")
    add_to_admin_menu = False
    list_display = [
        "title",
        Column("status", label=_("Status"), accessor="get_status_display"),
        Column("places", label=_("Places")),
    ]
    list_filter = ["status"]
    search_fields = ["title", "description"]
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("description"),
            FieldPanel("theme"),
            FieldPanel("status"),
            MultiFieldPanel(
                [FieldPanel("team"), FieldPanel("role"), FieldPanel("onboarding_path")],
                heading=_("What it leads to"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("remote"),
                    FieldPanel("address"),
                    FieldRowPanel([FieldPanel("postal_code"), FieldPanel("city")]),
                ],
                heading=_("Where"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
                    FieldPanel("slots"),
                    FieldPanel("commitment"),
                    FieldPanel("places"),
                    FieldPanel("closes_on"),
                ],
                heading=_("When"),
            ),
            FieldPanel("skills"),
        ],
        base_form_class=MissionForm,
    )


missions = MissionViewSet()

"""On a person's page for coordinators: where they stand against their roles."""

from wagtail.admin.ui.components import Component

from relais_skills.profiles import gaps


class PersonSkillsPanel(Component):
    template_name = "relais_skills/person_panel.html"
    order = 40

    def __init__(self, request, membership):
        self.request, self.membership = request, membership

    def get_context_data(self, parent_context=None):
        rows = gaps(self.request.organisation, self.membership.user)
        return {
            "member": self.membership,
            "met": sum(row.met for row in rows),
            "total": len(rows),
        }


class MySkillsPanel(Component):
    """On a person's dashboard: how far they are from what their roles need, and
    the next course that closes a gap."""

    template_name = "relais_skills/panel.html"
    order = 25

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        rows = gaps(self.request.organisation, self.request.user)
        missing = [row for row in rows if not row.met]
        return {
            "total": len(rows),
            "met": len(rows) - len(missing),
            "next": next((row for row in missing if row.courses), None),
        }

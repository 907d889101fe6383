"""The dashboard panel: pinned news and news waiting for my confirmation first,
then the latest."""

from wagtail.admin.ui.components import Component

from relais_community.models import Announcement, AnnouncementConfirmation

SHOWN = 3


class NewsPanel(Component):
    template_name = "relais_community/panel.html"
    order = 5

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        membership = self.request.membership
        if membership is None:
            return {"announcements": []}
        visible = Announcement.objects.visible_to(membership)
        confirmed = AnnouncementConfirmation.objects.filter(
            person=self.request.user
        ).values("announcement_id")
        to_confirm = list(
            visible.filter(requires_confirmation=True)
            .exclude(pk__in=confirmed)
            .first_pinned()[:SHOWN]
        )
        for announcement in to_confirm:
            announcement.to_confirm = True
        others = list(
            visible.exclude(pk__in=[a.pk for a in to_confirm]).first_pinned()[
                : max(SHOWN - len(to_confirm), 1)
            ]
        )
        return {"announcements": to_confirm + others}

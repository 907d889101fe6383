"""The daily drifting-away notice (``send_drifting_notices``: the task, or
``manage.py send_drifting_notices`` from cron). Each drifting person is logged in
``DriftNotice`` (unique per person and period) before the coordinators are told,
so a second run the same day, or the next day, tells them nothing more about the
same stretch of inactivity."""

from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from lms import mail
from lms.plugins.activation import enabled_labels
from relais_recruitment import volunteer_time as figures
from relais_recruitment.volunteer_time_models import DriftNotice


def notify(organisation, today):
    newly = [
        membership
        for membership in figures.drifting(organisation, today)
        if figures.log_once(
            organisation,
            membership.user,
            DriftNotice.Kind.COORDINATORS,
            figures.last_activity(membership),
        )
    ]
    if not newly:
        return 0
    names = [m.user.get_full_name() or m.user.get_username() for m in newly]
    url = mail.link(organisation, reverse("recruitment:time_drifting"))
    for coordinator in mail.coordinators(organisation):
        mail.send(
            "recruitment/time/email/drifting.txt",
            coordinator,
            organisation,
            {"names": names, "url": url},
        )
    return len(newly)


def run(today=None):
    today = today or timezone.localdate()
    return sum(
        notify(organisation, today)
        for organisation in Site.objects.all()
        if "recruitment" in enabled_labels(organisation)
    )

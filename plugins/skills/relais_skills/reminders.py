"""Certificates that expire (first aid, food hygiene): the person hears
``LMS_SKILLS_EXPIRY_NOTICE_DAYS`` (30) days before and on the day, with the course
that renews the skill; coordinators get one e-mail listing who was told. Each
notice is logged before it is sent, so a second run the same day sends nothing.
Run daily by ``send_skill_reminders`` (the task, or the management command from
cron), which also lets lapsed levels fall back (``proficiency.lapse_expired``).
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from courses.events import send_on_commit
from lms import mail
from lms.plugins.activation import enabled_labels
from relais_skills.models import Evidence, Notice
from relais_skills.proficiency import SELF_DECLARED
from relais_skills.signals import CertificateExpiring, certificate_expiring


def _once(evidence, user, kind):
    try:
        with transaction.atomic():
            Notice.objects.create(evidence=evidence, user=user, kind=kind)
            return True
    except IntegrityError:
        return False


def expiring(organisation, today):
    """Validated evidence expiring in the notice window or today, not renewed."""
    notice = getattr(settings, "LMS_SKILLS_EXPIRY_NOTICE_DAYS", 30)
    renewed = Evidence.objects.filter(
        organisation=organisation,
        user=OuterRef("user"),
        skill=OuterRef("skill"),
        observed_on__gt=OuterRef("observed_on"),
    ).exclude(source__in=SELF_DECLARED)
    return (
        Evidence.objects.for_organisation(organisation)
        .filter(
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=notice),
            user__is_active=True,
        )
        .exclude(source__in=SELF_DECLARED)
        .exclude(Exists(renewed))
        .select_related("user__wagtail_userprofile", "skill__renewal_course")
        .order_by("expires_on")
    )


def send_expiry_reminders(today=None):
    today = today or timezone.localdate()
    sent = 0
    for organisation in Site.objects.all():
        if "skills" not in enabled_labels(organisation):
            continue
        told = []
        for item in expiring(organisation, today):
            kind = "expires-today" if item.expires_on == today else "expires-soon"
            if not _once(item, item.user, kind):
                continue
            send_on_commit(
                certificate_expiring,
                organisation,
                CertificateExpiring(
                    user_id=item.user_id,
                    evidence_id=item.pk,
                    skill_id=item.skill_id,
                    expires_on=item.expires_on.isoformat(),
                    days_left=(item.expires_on - today).days,
                ),
            )
            course = item.skill.renewal_course
            sent += mail.send(
                "relais_skills/email/expiry.txt",
                item.user,
                organisation,
                {
                    "evidence": item,
                    "today": item.expires_on == today,
                    "days": (item.expires_on - today).days,
                    "course_url": mail.link(
                        organisation, reverse("courses:course", args=[course.pk])
                    )
                    if course
                    else "",
                    "profile_url": mail.link(organisation, reverse("skills:mine")),
                },
            )
            told.append(item)
        if told:
            for coordinator in mail.coordinators(organisation):
                sent += mail.send(
                    "relais_skills/email/expiry_coordinator.txt",
                    coordinator,
                    organisation,
                    {
                        "items": told,
                        "url": mail.link(organisation, reverse("skills_expiry")),
                    },
                )
    return sent

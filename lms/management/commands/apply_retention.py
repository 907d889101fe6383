"""Apply every organisation's retention rules (daily, from cron).

An organisation whose admin has not yet confirmed the first real run gets a dry run:
its report waits on the admin's "Privacy and retention" page.
"""

from django.core.management.base import BaseCommand
from wagtail.models import Site

from lms.retention import apply_retention_rules


class Command(BaseCommand):
    help = (
        "Apply the retention rules of every organisation (a dry run until confirmed)."
    )

    def handle(self, *args, **options):
        for organisation in Site.objects.order_by("pk"):
            applied = apply_retention_rules.call(organisation.pk)
            self.stdout.write(
                f"{organisation.site_name or organisation.hostname}: "
                + ("applied" if applied else "dry run (waiting for confirmation)")
            )

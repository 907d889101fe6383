from django.core.management.base import BaseCommand

from courses.credentials import issue_credential
from courses.models import BadgeAward


class Command(BaseCommand):
    help = (
        "Issue the Open Badges 3.0 credential of every award that has none yet "
        "(awards made before Open Badges 3.0; safe to run again)."
    )

    def handle(self, *args, **options):
        missing = BadgeAward.objects.filter(
            credential__isnull=True, revoked_at__isnull=True
        ).select_related("badge__organisation", "recipient")
        issued = 0
        for award in missing.iterator():
            issue_credential(award)
            issued += 1
        self.stdout.write(f"{issued} credential(s) issued.")

from django.core.management.base import BaseCommand

from relais_community import talk


class Command(BaseCommand):
    help = (
        "Daily (cron): tell trainers about questions nobody answered in "
        "LMS_COMMUNITY_UNANSWERED_DAYS days. Each question once; running twice "
        "tells nobody twice."
    )

    def handle(self, *args, **options):
        count = talk.notify_unanswered()
        self.stdout.write(f"{count} unanswered question(s) announced to trainers.")

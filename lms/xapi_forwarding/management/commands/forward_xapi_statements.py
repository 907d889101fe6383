from django.core.management.base import BaseCommand

from lms.xapi_forwarding import outbox


class Command(BaseCommand):
    help = (
        "Hand every LRS endpoint with statements waiting (and out of back-off) to "
        "a delivery job. Run it from cron every minute."
    )

    def handle(self, *args, **options):
        count = outbox.sweep()
        self.stdout.write(f"endpoints scheduled: {count}")

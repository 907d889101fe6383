from django.core.management.base import BaseCommand

from lms.webhooks.delivery import send_due


class Command(BaseCommand):
    help = (
        "Queue the webhook deliveries whose next attempt is due, take back those "
        "whose worker died, forget finished ones past LMS_WEBHOOKS_LOG_DAYS. Run it "
        "from cron every minute."
    )

    def handle(self, *args, **options):
        done = send_due()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in done.items()))

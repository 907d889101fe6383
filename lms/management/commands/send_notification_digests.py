from django.core.management.base import BaseCommand

from lms.tasks import send_notification_digests


class Command(BaseCommand):
    help = (
        "Send the notification centre's daily digests (and weekly ones on "
        "LMS_DIGEST_WEEKDAY); safe to run twice."
    )

    def handle(self, *args, **options):
        sent = send_notification_digests.call()
        self.stdout.write(f"{sent} digest(s) sent.")

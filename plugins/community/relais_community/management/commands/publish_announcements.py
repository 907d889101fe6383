from django.core.management.base import BaseCommand

from relais_community.announcements import publish_due_announcements


class Command(BaseCommand):
    help = (
        "Tell the audience of announcements whose publication time came (run it "
        "every few minutes from cron; safe to run twice)."
    )

    def handle(self, *args, **options):
        told = publish_due_announcements.call()
        self.stdout.write(f"{told} people told of new announcements.")

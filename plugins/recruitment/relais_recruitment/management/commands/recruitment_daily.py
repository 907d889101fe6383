from django.core.management.base import BaseCommand

from relais_recruitment.tasks import (
    delete_expired_applications,
    remind_waiting_candidates,
)


class Command(BaseCommand):
    help = (
        "Remind coordinators of candidates waiting for a first answer and delete the "
        "applications past their retention period; safe to run twice a day (cron)."
    )

    def handle(self, *args, **options):
        sent = remind_waiting_candidates.call()
        deleted = delete_expired_applications.call()
        self.stdout.write(f"{sent} reminders sent, {deleted} expired rows deleted.")

from django.core.management.base import BaseCommand

from relais_mentoring.tasks import send_mentoring_reminders


class Command(BaseCommand):
    help = (
        "Send today's mentoring reminders (check-ins, quiet pairs) and the "
        "coordinators' weekly digest; safe to run twice a day (run it from cron)."
    )

    def handle(self, *args, **options):
        sent = send_mentoring_reminders.call()
        self.stdout.write(
            ", ".join(f"{count} {kind}" for kind, count in sent.items()) + " sent."
        )

from django.core.management.base import BaseCommand

from courses.tasks import send_reminders


class Command(BaseCommand):
    help = "Send today's onboarding reminders and digests (safe to run twice a day)."

    def handle(self, *args, **options):
        sent = send_reminders.call()
        self.stdout.write(
            f"{sent['reminders']} reminder e-mail(s), {sent['digests']} digest(s) sent."
        )

from django.core.management.base import BaseCommand

from relais_quizzes.attempts import close_expired


class Command(BaseCommand):
    help = "Submit timed quiz attempts whose time is up (run it from cron)."

    def handle(self, *args, **options):
        count = close_expired()
        self.stdout.write(f"{count} attempt(s) submitted.")

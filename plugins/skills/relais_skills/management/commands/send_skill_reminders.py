from django.core.management.base import BaseCommand

from relais_skills.tasks import send_skill_reminders


class Command(BaseCommand):
    help = (
        "Remind people of certifications that expire and let lapsed levels fall "
        "back (run it daily from cron; safe to run twice)."
    )

    def handle(self, *args, **options):
        done = send_skill_reminders.call()
        self.stdout.write(
            f"{done['reminders']} reminder e-mail(s) sent, "
            f"{done['lapsed']} level(s) lapsed."
        )

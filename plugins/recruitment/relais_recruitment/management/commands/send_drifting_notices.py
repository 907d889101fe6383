from django.core.management.base import BaseCommand

from relais_recruitment.volunteer_time_tasks import send_drifting_notices


class Command(BaseCommand):
    help = (
        "Tell coordinators which volunteers started drifting away (no hours, no "
        "learning, no login for the organisation's N weeks); safe to run twice."
    )

    def handle(self, *args, **options):
        count = send_drifting_notices.call()
        self.stdout.write(f"{count} drifting-away notices.")

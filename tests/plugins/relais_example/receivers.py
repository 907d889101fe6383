from django.core.mail import send_mail
from django.dispatch import receiver

from lms.signals import person_joined


@receiver(person_joined)
def greet_newcomer(sender, event, **kwargs):
    send_mail(
        f"example plugin greets user {event.user_id}", "", None, ["log@example.org"]
    )

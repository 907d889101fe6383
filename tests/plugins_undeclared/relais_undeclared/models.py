from django.conf import settings
from django.db import models


class Contact(models.Model):
    """A person's phone number, which no personal_data module declares."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    phone = models.CharField(max_length=30)

    def __str__(self):
        return self.phone

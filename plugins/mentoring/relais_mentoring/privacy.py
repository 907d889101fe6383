"""Who reads what a pair writes, written once.

A note is read by its author, and by the other member of the pair when shared.
Nobody else (coordinators, HR, admins, superusers) reads note content or check-in
comments anywhere in the product: coordinators get counts and dates
(``coordination``), never text.
"""

from django.db.models import Q

from relais_mentoring.models import Note


def readable_notes(pairing, user):
    if pairing.side(user) is None:
        return Note.objects.none()
    return (
        Note.objects.filter(pairing=pairing)
        .filter(Q(author=user) | Q(shared=True))
        .select_related("author")
    )

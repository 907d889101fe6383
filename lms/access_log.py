"""Who viewed whose personal data: ``log_access(request, person, what)``.

Views that show a person's data to someone else of the organisation (a coordinator
reading skills evidence, mentoring details, a person's page, an export) call it.
The organisation's admin reads the log (``/privacy/access-log/``) and the person
finds it in their data export (``lms/personal_data.py`` declares it).
"""

from lms.models.privacy import AccessLogEntry


def log_access(request, person, what):
    """Record that ``request.user`` viewed ``what`` (a short, translatable-free
    description such as "skills evidence") about ``person`` in the request's
    organisation. A person viewing their own data is not logged. Returns the entry
    or ``None``."""
    user = request.user
    organisation = getattr(request, "organisation", None)
    if organisation is None or not user.is_authenticated or person is None:
        return None
    person_id = getattr(person, "pk", person)
    if person_id == user.pk:
        return None
    return AccessLogEntry.objects.create(
        organisation=organisation,
        viewer=user,
        person_id=person_id,
        what=str(what)[:200],
        path=request.get_full_path()[:500],
    )

from django.db import transaction
from django.utils import translation
from django_tasks import task

from lms.limits import heavy
from lms.mail import language_of


@heavy
@task()
def process_package(content_id: int) -> str:
    """Check and extract an uploaded package; idempotent (only processing ones)."""
    from relais_h5p import packages
    from relais_h5p.models import H5PContent

    content = H5PContent.objects.filter(
        pk=content_id, status=H5PContent.Status.PROCESSING
    ).first()
    if content is None:
        return "skipped"
    known = {
        library.folder for library in packages.usable_libraries(content.organisation)
    }
    # Why a package is refused is told in the language of the person who sent it.
    language = language_of(content.uploaded_by, content.organisation)
    try:
        with content.package.open("rb") as upload, translation.override(language):
            inspection = packages.inspect(upload, known)
            libraries = packages.extract(upload, inspection, content)
    except (packages.PackageRejected, OSError) as error:
        _refuse(content, str(error))
        return "failed"
    with transaction.atomic():
        content.metadata = inspection.metadata
        content.main_library = inspection.main_library
        content.warnings = inspection.warnings
        content.status = H5PContent.Status.READY
        content.save(update_fields=["metadata", "main_library", "warnings", "status"])
        content.libraries.set(libraries)
    return "ready"


def mark_failed(job):
    """The package's job failed (an unexpected error, or a worker that died too
    often): the package says so with the reason; its files go (upload it again)."""
    from relais_h5p.models import H5PContent

    content = H5PContent.objects.filter(
        pk=job.args[0], status=H5PContent.Status.PROCESSING
    ).first()
    if content is not None:
        _refuse(content, job.message)


def _refuse(content, reason):
    from relais_h5p import packages
    from relais_h5p.models import H5PContent

    packages.remove(content)
    content.status, content.error = H5PContent.Status.FAILED, reason
    content.package = ""
    content.save(update_fields=["status", "error", "package"])

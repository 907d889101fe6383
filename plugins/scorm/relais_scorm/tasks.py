from django.db import transaction
from django.utils import translation
from django_tasks import task

from lms.limits import heavy
from lms.mail import language_of


@heavy
@task()
def process_package(package_id: int) -> str:
    """Check, read and extract an uploaded package; idempotent (only packages still
    processing are touched)."""
    from relais_scorm import packages
    from relais_scorm.models import ScormPackage

    package = ScormPackage.objects.filter(
        pk=package_id, status=ScormPackage.Status.PROCESSING
    ).first()
    if package is None:
        return "skipped"
    try:
        # The reason of a refusal is kept in the language of the person who sent it.
        with translation.override(_language(package)):
            manifest = packages.process(package)
    except (packages.PackageRejected, OSError) as error:
        _refuse(package, str(error))
        return "failed"
    with transaction.atomic():
        package.manifest = manifest.as_json()
        package.version = manifest.edition
        package.status = ScormPackage.Status.READY
        package.error = ""
        package.save(update_fields=["manifest", "version", "status", "error"])
    return "ready"


def mark_failed(job):
    """The package's job failed (an unexpected error, or a worker that died too
    often): the package says so with the reason; its files go (upload it again)."""
    from relais_scorm.models import ScormPackage

    package = ScormPackage.objects.filter(
        pk=job.args[0], status=ScormPackage.Status.PROCESSING
    ).first()
    if package is not None:
        _refuse(package, job.message)


def _refuse(package, reason):
    from relais_scorm import packages
    from relais_scorm.models import ScormPackage

    packages.remove(package)
    package.package.delete(save=False)  # nothing in it is of use
    package.status, package.error = ScormPackage.Status.FAILED, reason
    package.save(update_fields=["status", "error", "package"])


def _language(package):
    if package.uploaded_by is None:
        return translation.get_language()
    return language_of(package.uploaded_by, package.organisation)

"""Checking and extracting SCORM zips, with the core's ``lms.archives`` (the same
checks as H5P: traversal, absolute paths, symlinks, extensions, sizes, compression
ratios, number of files, all before unpacking), then reading ``imsmanifest.xml``
(at most ``LMS_SCORM_MAX_MANIFEST_KB``). Files go to the private
``packages`` storage under ``scorm/<uuid>/``; a refused package leaves nothing there.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from pyh5p.security import DEFAULT_ALLOWED_EXTENSIONS

from lms.archives import (
    ArchiveRejected,
    Writer,
    checked_archive,
    package_limits,
    read_document,
    remove_tree,
)
from relais_scorm import manifest
from relais_scorm.models import packages_storage

MEGABYTE = 1024 * 1024
MANIFEST = "imsmanifest.xml"
# What authoring tools put in packages: web pages and their schemas besides the
# media and documents H5P allows. Never server-side code or executables.
EXTENSIONS = DEFAULT_ALLOWED_EXTENSIONS | {
    "html",
    "htm",
    "xhtml",
    "xsd",
    "dtd",
    "xsl",
    "xslt",
    "ico",
    "m4v",
    "mov",
    "aac",
    "avif",
}


class PackageRejected(ValueError):
    """Why a package cannot be used, in the trainer's words."""


def max_upload_bytes():
    return settings.LMS_SCORM_MAX_UPLOAD_MB * MEGABYTE


def limits():
    return package_limits(
        max_file_size=max_upload_bytes(),
        max_total_size=settings.LMS_SCORM_MAX_UNPACKED_MB * MEGABYTE,
        allowed_extensions=frozenset(EXTENSIONS),
    )


def process(package):
    """Check ``package``'s zip, read its manifest and extract it. Returns the
    ``Manifest``; raises ``PackageRejected`` with nothing left in storage."""
    storage = packages_storage()
    try:
        with (
            package.package.open("rb") as upload,
            checked_archive(upload, limits(), kind="SCORM") as (archive, members),
        ):
            names = {info.filename for info in members}
            if MANIFEST not in names:
                raise PackageRejected(
                    _(
                        "imsmanifest.xml is missing at the root of the zip: this is "
                        "not a SCORM package (or it was zipped inside a folder)."
                    )
                )
            document = read_document(
                archive,
                archive.getinfo(MANIFEST),
                settings.LMS_SCORM_MAX_MANIFEST_KB * 1024,
            )
            found = manifest.parse(document, names)
            with Writer(storage) as writer:
                for info in members:
                    writer.copy(archive, info, f"{package.folder}/{info.filename}")
    except ArchiveRejected as error:
        remove_tree(package.folder, storage)
        raise PackageRejected(
            _("The package is refused: %(reason)s") % {"reason": error}
        ) from error
    except manifest.ManifestError as error:
        raise PackageRejected(str(error)) from error
    return found


def remove(package):
    remove_tree(package.folder, packages_storage())

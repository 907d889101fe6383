"""Checking and extracting SCORM zips, with the core's ``lms.archives`` (the same
checks as H5P: traversal, absolute paths, symlinks, extensions, sizes, compression
ratios, number of files, all before unpacking), then reading ``imsmanifest.xml``
(at most ``LMS_SCORM_MAX_MANIFEST_KB``). Files go to the private
``packages`` storage under ``scorm/<uuid>/``; a refused package leaves nothing there.

What a package may hold: the kinds of files authoring tools put in (``EXTENSIONS``),
and any other file a browser cannot run, such as the schemas and auxiliary files of
SCORM 2004 4th edition packages, which the manifest never launches (``files``
serves those as downloads, never as a page). Refused: programs and server-side
scripts, and files a browser would run as active content that are not among the
kinds packages use. Each refusal names the file and says why, in the uploader's
language: the plugin checks what a person can fix before the core checks it all
again.
"""

import logging
import mimetypes
import posixpath
import zipfile

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

logger = logging.getLogger("lms")

MEGABYTE = 1024 * 1024
MANIFEST = "imsmanifest.xml"
# What authoring tools put in packages: web pages and their schemas besides the
# media and documents H5P allows. Served with their own type.
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
# Programs and server-side scripts: refused, whatever a web server would make of
# them (ours serves nothing it does not know as a download).
PROGRAMS = frozenset(
    {
        "php",
        "php3",
        "php4",
        "php5",
        "php7",
        "phtml",
        "phar",
        "asp",
        "aspx",
        "ashx",
        "asmx",
        "cer",
        "jsp",
        "jspx",
        "cfm",
        "cgi",
        "pl",
        "py",
        "rb",
        "sh",
        "bash",
        "ps1",
        "exe",
        "dll",
        "com",
        "bat",
        "cmd",
        "msi",
        "scr",
        "vbs",
        "vbe",
        "wsf",
        "jar",
        "hta",
        "lnk",
        "reg",
        "cpl",
        "apk",
        "app",
        "dmg",
    }
)
# Media types a browser runs, or renders as a document that can run scripts.
ACTIVE_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "image/svg+xml",
    "text/xml",
    "application/xml",
    "application/xslt+xml",
    "text/javascript",
    "application/javascript",
    "application/ecmascript",
    "text/ecmascript",
    "application/x-shockwave-flash",
    "application/wasm",
    "text/x-component",
    "application/hta",
    "message/rfc822",
)


class PackageRejected(ValueError):
    """Why a package cannot be used, in the trainer's words."""


def max_upload_bytes():
    return settings.LMS_SCORM_MAX_UPLOAD_MB * MEGABYTE


def extension(name):
    base = posixpath.basename(name)
    return base.rpartition(".")[2].lower() if "." in base.strip(".") else ""


def served_as_is(name):
    """Whether ``files`` serves the file with its own media type: a kind packages
    use. Any other is sent as a download, so a browser never runs it."""
    return extension(name) in EXTENSIONS or not extension(name)


def refusal(name):
    """Why a file cannot be in a package, or None: a program, or active content of
    a kind packages do not use."""
    kind = extension(name)
    if not kind or kind in EXTENSIONS:
        return None
    if kind in PROGRAMS:
        return _(
            "%(file)s is a program or a server-side script (.%(extension)s): a "
            "SCORM package must not contain one. Remove it from the zip."
        ) % {"file": name, "extension": kind}
    media_type = mimetypes.guess_type(f"x.{kind}")[0] or ""
    if media_type in ACTIVE_TYPES or media_type.endswith(("+xml", "javascript")):
        return _(
            "%(file)s could run in the browser (.%(extension)s) and is not a kind of "
            "file SCORM packages use. Remove it from the zip."
        ) % {"file": name, "extension": kind}
    return None


def limits(names=()):
    """The archive limits, accepting the inert files among ``names``."""
    inert = {extension(name) for name in names if refusal(name) is None}
    return package_limits(
        max_file_size=max_upload_bytes(),
        max_total_size=settings.LMS_SCORM_MAX_UNPACKED_MB * MEGABYTE,
        allowed_extensions=frozenset(EXTENSIONS | (inert - {""})),
    )


def _unsafe_path(name):
    parts = name.replace("\\", "/").split("/")
    return (
        name.startswith(("/", "\\"))
        or "\\" in name
        or ".." in parts
        or ":" in parts[0]
        or "\x00" in name
    )


def explain(archive, check):
    """The first thing a person must fix in the zip, translated; None if none.
    The same rules as ``lms.archives``, which checks them all again."""
    infos = archive.infolist()
    if len(infos) > check.max_files:
        return _("The zip holds more than %(count)s files.") % {
            "count": check.max_files
        }
    seen, total = set(), 0
    for info in infos:
        name = info.filename
        if name in seen:
            return _("%(file)s is in the zip twice.") % {"file": name}
        seen.add(name)
        if _unsafe_path(name):
            return _(
                "%(file)s has a path that leaves the package (absolute, or with “..”)."
            ) % {"file": name}
        if info.is_dir():
            continue
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            return _("%(file)s is a symbolic link, which a package must not hold.") % {
                "file": name
            }
        reason = refusal(name)
        if reason:
            return reason
        if info.file_size > check.max_file_size:
            return _("%(file)s is larger than the %(limit)s MB allowed for a file.") % {
                "file": name,
                "limit": check.max_file_size // MEGABYTE,
            }
        if info.file_size / max(info.compress_size, 1) > check.max_compression_ratio:
            return _(
                "%(file)s unpacks to far more than its compressed size: it looks "
                "like a zip bomb."
            ) % {"file": name}
        total += info.file_size
        if total > check.max_total_size:
            return _("The package is larger than %(limit)s MB once unpacked.") % {
                "limit": check.max_total_size // MEGABYTE
            }
    return None


def process(package):
    """Check ``package``'s zip, read its manifest and extract it. Returns the
    ``Manifest``; raises ``PackageRejected`` with nothing left in storage."""
    storage = packages_storage()
    try:
        with package.package.open("rb") as upload:
            try:
                with zipfile.ZipFile(upload) as archive:
                    names = archive.namelist()
                    check = limits(names)
                    reason = explain(archive, check)
            except (zipfile.BadZipFile, OSError) as error:
                raise PackageRejected(
                    _("The package is refused: this file is not a zip.")
                ) from error
            if reason:
                raise PackageRejected(
                    _("The package is refused: %(reason)s") % {"reason": reason}
                )
            upload.seek(0)
            with checked_archive(upload, check, kind="SCORM") as (archive, members):
                found = _extract(package, archive, members, storage)
    except ArchiveRejected as error:
        remove_tree(package.folder, storage)
        logger.warning("SCORM package %s refused: %s", package.pk, error)
        raise PackageRejected(
            _("The package is refused by the safety checks on its files: %(reason)s")
            % {"reason": error}
        ) from error
    except manifest.ManifestError as error:
        raise PackageRejected(str(error)) from error
    return found


def _extract(package, archive, members, storage):
    names = {info.filename for info in members}
    if MANIFEST not in names:
        raise PackageRejected(
            _(
                "imsmanifest.xml is missing at the root of the zip: this is "
                "not a SCORM package (or it was zipped inside a folder)."
            )
        )
    info = archive.getinfo(MANIFEST)
    limit = settings.LMS_SCORM_MAX_MANIFEST_KB
    if info.file_size > limit * 1024:
        raise PackageRejected(
            _("imsmanifest.xml is larger than the %(limit)s KB allowed.")
            % {"limit": limit}
        )
    document = read_document(archive, info, limit * 1024)
    found = manifest.parse(document, names)
    with Writer(storage) as writer:
        for member in members:
            writer.copy(archive, member, f"{package.folder}/{member.filename}")
    return found


def remove(package):
    remove_tree(package.folder, packages_storage())

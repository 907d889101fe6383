"""Checking and extracting .h5p packages, streamed member by member.

The archive itself is checked by the core's ``lms.archives`` (path traversal,
absolute paths, symlinks, allowed extensions, size and compression-ratio limits, the
same for every kind of package); pyh5p parses library ids; this module adds the H5P
rules and never holds a whole package in memory. Libraries go
to one shared store (``h5p/libraries/<Machine-major.minor>/``), written once; content
goes to ``h5p/content/<uuid>/``. A rejected package leaves nothing behind.
"""

import json
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from pyh5p.library import LibraryId

from lms.archives import (
    ArchiveLimits,
    ArchiveRejected,
    Writer,
    checked_archive,
    remove_tree,
)

STORE = "h5p"
# Harmless files some exporters leave at the top level: skipped, never extracted.
TOLERATED = frozenset({"H5P_CONTENT_HERE.txt"})
REQUIRED_METADATA = ("title", "mainLibrary", "preloadedDependencies")


PackageRejected = ArchiveRejected  # the name this plugin's callers know


@dataclass
class Inspection:
    metadata: dict
    libraries: dict = field(default_factory=dict)  # folder -> (LibraryId, library.json)
    members: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def main_library(self):
        return self.metadata.get("mainLibrary", "")


MEGABYTE = 1024 * 1024


def max_upload_bytes():
    return getattr(settings, "LMS_H5P_MAX_UPLOAD_MB", 100) * MEGABYTE


def limits():
    return ArchiveLimits(
        max_file_size=max_upload_bytes(),
        max_total_size=getattr(settings, "LMS_H5P_MAX_UNPACKED_MB", 500) * MEGABYTE,
    )


def _json(archive, info, *, bom_ok=False):
    try:
        raw = archive.read(info)
        return json.loads(raw.decode("utf-8-sig" if bom_ok else "utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise PackageRejected(f"{info.filename}: not valid JSON ({error})") from error


def inspect(path, known_libraries=frozenset()):
    """Check a package without extracting it. ``known_libraries`` holds the folder
    names already in the store (for content-only packages)."""
    with checked_archive(path, limits(), kind="H5P", tolerated=TOLERATED) as (
        archive,
        members,
    ):
        by_name = {info.filename: info for info in members}
        if "h5p.json" not in by_name:
            raise PackageRejected("h5p.json: missing; this is not an H5P package")
        metadata = _json(archive, by_name["h5p.json"], bom_ok=True)
        if not isinstance(metadata, dict):
            raise PackageRejected("h5p.json: must hold an object")
        missing = [key for key in REQUIRED_METADATA if key not in metadata]
        if missing:
            raise PackageRejected(f"h5p.json: missing {', '.join(missing)}")
        if "content/content.json" not in by_name:
            raise PackageRejected("content/content.json: missing")
        if not isinstance(_json(archive, by_name["content/content.json"]), dict):
            raise PackageRejected("content/content.json: must hold an object")
        inspection = Inspection(metadata, members=members)
        for info in members:
            if info.filename.endswith(".json") and info.filename not in (
                "h5p.json",
                "content/content.json",
            ):
                document = _json(archive, info)
                top, _sep, rest = info.filename.partition("/")
                if rest == "library.json":
                    _add_library(inspection, top, document)
        for info in members:
            top = info.filename.partition("/")[0]
            if top not in ("content", "h5p.json") and top not in inspection.libraries:
                raise PackageRejected(
                    f"{info.filename}: not part of a library or the content"
                )
    _check_dependencies(inspection, known_libraries)
    return inspection


def _add_library(inspection, folder, document):
    try:
        library = LibraryId.parse(document)
    except (TypeError, ValueError) as error:
        raise PackageRejected(f"{folder}/library.json: {error}") from error
    if folder != library.directory_name:
        raise PackageRejected(
            f"{folder}/library.json: describes {library.directory_name}, "
            "which does not match its folder name"
        )
    inspection.libraries[folder] = (library, document)


def _check_dependencies(inspection, known_libraries):
    needed = []
    for dependency in inspection.metadata.get("preloadedDependencies") or []:
        try:
            library = LibraryId.parse(dependency)
        except (TypeError, ValueError) as error:
            raise PackageRejected(
                f"h5p.json: a dependency is invalid ({error})"
            ) from error
        needed.append(library)
        if library.machine_name.startswith("H5PEditor."):
            inspection.warnings.append(
                f"h5p.json lists the editor library {library.directory_name} as a "
                "runtime dependency: such packages are often broken and may show "
                "nothing."
            )
    available = set(inspection.libraries) | set(known_libraries)
    missing = sorted({lib.directory_name for lib in needed} - available)
    if missing:
        raise PackageRejected(
            "libraries missing from the package and from this platform: "
            + ", ".join(missing)
        )


def content_dir(content):
    return f"{STORE}/content/{content.uuid}"


def library_dir(folder):
    return f"{STORE}/libraries/{folder}"


def extract(path, inspection, content):
    """Write the content and the libraries the store lacks; returns the library rows.
    On any error, removes what it wrote and re-raises."""
    from relais_h5p.models import H5PLibrary

    rows = []
    with zipfile.ZipFile(path) as archive, Writer() as writer:
        for info in inspection.members:
            top = info.filename.partition("/")[0]
            if top in ("content", "h5p.json"):
                writer.copy(archive, info, f"{content_dir(content)}/{info.filename}")
        for folder, (library, document) in inspection.libraries.items():
            row, created = _library_row(H5PLibrary, library, document)
            rows.append(row)
            if not created:
                continue  # already in the store: not written again
            for info in inspection.members:
                if info.filename.startswith(folder + "/"):
                    writer.copy(archive, info, f"{STORE}/libraries/{info.filename}")
    # A content-only package uses libraries already in the store.
    stored = Q()
    for dependency in inspection.metadata.get("preloadedDependencies") or []:
        library = LibraryId.parse(dependency)
        stored |= Q(
            machine_name=library.machine_name,
            major_version=library.major,
            minor_version=library.minor,
        )
    return list({*rows, *H5PLibrary.objects.filter(stored)}) if stored else rows


def _library_row(model, library, document):
    try:
        with transaction.atomic():
            return model.objects.get_or_create(
                machine_name=library.machine_name,
                major_version=library.major,
                minor_version=library.minor,
                defaults={
                    "patch_version": library.patch,
                    "title": str(document.get("title", ""))[:255],
                    "metadata": document,
                },
            )
    except IntegrityError:  # another upload stored it a moment ago
        return model.objects.get(
            machine_name=library.machine_name,
            major_version=library.major,
            minor_version=library.minor,
        ), False


def remove(content):
    """Delete a content's extracted files and its uploaded package."""
    remove_tree(content_dir(content))
    if content.package:
        content.package.delete(save=False)

"""Checking and extracting .h5p packages, streamed member by member.

The archive itself is checked by the core's ``lms.archives`` (path traversal,
absolute paths, symlinks, allowed extensions, number of files, size and
compression-ratio limits, the same for every kind of package), before anything is
unpacked; the JSON documents read here are bounded too (``LMS_H5P_MAX_JSON_MB``).
pyh5p parses library ids; this module adds the H5P rules and never holds a whole
package in memory.

Everything goes to the private ``packages`` storage, which has no URL: the content
origin's views serve it to the holder of a player token. Content goes to
``h5p/content/<uuid>/``. A library version is stored by what it holds
(``h5p/libraries/<Machine-major.minor>-<digest>/``): the same files are written
once, different files under the same version are a different library, never
silently replaced by the first upload. Its row belongs to the organisation that
uploaded it: a content-only package finds only its own organisation's libraries.
A rejected package leaves nothing behind.
"""

import hashlib
import json
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from pyh5p.library import LibraryId

from lms.archives import (
    ArchiveRejected,
    Writer,
    checked_archive,
    package_limits,
    read_document,
    remove_tree,
)
from lms.private_files import packages_storage
from relais_h5p import library_rules

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


DIGEST_CHARS = 16  # of the library's SHA-256, in its folder name


def max_upload_bytes():
    return settings.LMS_H5P_MAX_UPLOAD_MB * MEGABYTE


def limits():
    return package_limits(
        max_file_size=max_upload_bytes(),
        max_total_size=settings.LMS_H5P_MAX_UNPACKED_MB * MEGABYTE,
    )


def _json(archive, info, *, bom_ok=False):
    raw = read_document(archive, info, settings.LMS_H5P_MAX_JSON_MB * MEGABYTE)
    try:
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
        documents = {}
        for info in members:
            top, _sep, rest = info.filename.partition("/")
            if rest == "library.json":
                documents[top] = _json(archive, info)
        for info in members:
            top = info.filename.partition("/")[0]
            if top not in ("content", "h5p.json") and top not in documents:
                raise PackageRejected(
                    f"{info.filename}: not part of a library or the content"
                )
        # Every library checked whole before anything is stored; every problem of
        # every library told at once, one per line.
        found = []
        for folder, document in documents.items():
            found += _add_library(inspection, archive, by_name, folder, document)
        if found:
            raise PackageRejected("\n".join(found))
    _check_dependencies(inspection, known_libraries)
    return inspection


def _add_library(inspection, archive, by_name, folder, document):
    """Adds a library that follows the H5P rules; returns its problems."""
    if not isinstance(document, dict):
        return [
            _("%(library)s/library.json: must hold an object.") % {"library": folder}
        ]
    prefix = folder + "/"
    names = {name.removeprefix(prefix) for name in by_name if name.startswith(prefix)}

    def read_json(name):
        raw = read_document(
            archive, by_name[prefix + name], settings.LMS_H5P_MAX_JSON_MB * MEGABYTE
        )
        return json.loads(raw.decode("utf-8-sig"))

    found = library_rules.problems(folder, document, names, read_json)
    if found:
        return found
    try:
        library = LibraryId.parse(document)
    except (TypeError, ValueError) as error:
        return [f"{folder}/library.json: {error}"]
    if folder != library.directory_name:
        return [
            _(
                "%(library)s/library.json: describes %(described)s, which does not "
                "match its folder name."
            )
            % {"library": folder, "described": library.directory_name}
        ]
    inspection.libraries[folder] = (library, document)
    return []


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


def library_dir(folder, digest):
    """Where a library version with these files lives; the folders of libraries
    stored before they were content-addressed have no digest."""
    suffix = f"-{digest[:DIGEST_CHARS]}" if digest else ""
    return f"{STORE}/libraries/{folder}{suffix}"


def usable_libraries(organisation):
    """The libraries a content-only package of ``organisation`` may use: its own,
    and the shared ones of before that its contents already use."""
    from relais_h5p.models import H5PLibrary

    return H5PLibrary.objects.for_organisation(organisation)


def extract(path, inspection, content):
    """Write the content and the library versions the store lacks; returns the
    library rows the content uses (its dependencies, followed through the libraries'
    own). On any error, removes what it wrote and re-raises."""
    from relais_h5p.models import H5PLibrary

    storage = packages_storage()
    in_package = {}
    with zipfile.ZipFile(path) as archive, Writer(storage) as writer:
        for info in inspection.members:
            top = info.filename.partition("/")[0]
            if top in ("content", "h5p.json"):
                writer.copy(archive, info, f"{content_dir(content)}/{info.filename}")
        for folder, (library, document) in inspection.libraries.items():
            files = [
                info
                for info in inspection.members
                if info.filename.startswith(folder + "/")
            ]
            digest = _digest(archive, files, folder)
            directory = library_dir(folder, digest)
            # Content-addressed: a folder holding library.json holds these files.
            if not storage.exists(f"{directory}/library.json"):
                files.sort(key=lambda info: info.filename.endswith("/library.json"))
                for info in files:  # library.json last: it marks a complete copy
                    rest = info.filename.partition("/")[2]
                    writer.copy(archive, info, f"{directory}/{rest}")
            in_package[folder] = _library_row(
                H5PLibrary, content.organisation, library, document, digest
            )
    return _dependencies(inspection, in_package, content.organisation)


def _digest(archive, files, folder):
    """SHA-256 of a library's files (names and bytes), streamed."""
    digest = hashlib.sha256()
    for info in sorted(files, key=lambda info: info.filename):
        digest.update(info.filename.removeprefix(folder).encode() + b"\0")
        with archive.open(info) as member:
            while chunk := member.read(1024 * 1024):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()


def _latest(rows):
    # The most recent upload of each version.
    return {library.folder: library for library in sorted(rows, key=lambda x: x.pk)}


def _dependencies(inspection, in_package, organisation):
    """Every library of the package, and those it needs from the organisation's
    store, following each library's own dependencies (the player loads them all)."""
    rows = list(usable_libraries(organisation))
    stored = _latest(rows)
    other_copies = {
        row.folder
        for row in rows
        if row.folder in in_package and row.digest != in_package[row.folder].digest
    }
    for folder in sorted(other_copies):
        inspection.warnings.append(
            _(
                "%(library)s is already stored with other files; the contents "
                "using that copy keep it until a trainer replaces it (H5P "
                "library versions)."
            )
            % {"library": folder}
        )
    waiting = list(inspection.metadata.get("preloadedDependencies") or [])
    waiting += [
        dependency
        for library in in_package.values()
        for dependency in library.metadata.get("preloadedDependencies") or []
    ]
    return _follow(waiting, dict(in_package), stored)


def _follow(waiting, found, stored):
    """``found`` (folder -> library), completed with the stored libraries the
    ``waiting`` dependencies need, followed through their own."""
    while waiting:
        try:
            folder = LibraryId.parse(waiting.pop()).directory_name
        except (TypeError, ValueError):
            continue
        if folder in found or folder not in stored:
            continue
        found[folder] = stored[folder]
        waiting += stored[folder].metadata.get("preloadedDependencies") or []
    return list(found.values())


def stored_problems(library):
    """The H5P rules (``library_rules``) checked again on a library version in the
    store: one stored before they were enforced may be broken."""
    storage = packages_storage()
    names = set(_files_under(storage, library.directory))
    limit = settings.LMS_H5P_MAX_JSON_MB * MEGABYTE

    def read_json(name):
        with storage.open(f"{library.directory}/{name}", "rb") as file:
            return json.loads(file.read(limit).decode("utf-8-sig"))

    try:
        document = read_json("library.json")
    except (OSError, ValueError):
        return [
            _("%(library)s/library.json: missing or not valid JSON.")
            % {"library": library.folder}
        ]
    if not isinstance(document, dict):
        return [
            _("%(library)s/library.json: must hold an object.")
            % {"library": library.folder}
        ]
    return library_rules.problems(library.folder, document, names, read_json)


def _files_under(storage, directory, prefix=""):
    try:
        folders, files = storage.listdir(f"{directory}/{prefix}".rstrip("/"))
    except FileNotFoundError:
        return
    for name in files:
        yield prefix + name
    for folder in folders:
        yield from _files_under(storage, directory, f"{prefix}{folder}/")


def replacements(library, organisation):
    """The other stored versions of ``library``'s version number the organisation
    may use instead, that follow the H5P rules: (library, problems) each."""
    others = (
        usable_libraries(organisation)
        .filter(
            machine_name=library.machine_name,
            major_version=library.major_version,
            minor_version=library.minor_version,
        )
        .exclude(pk=library.pk)
        .order_by("-stored_at", "-pk")
    )
    return [other for other in others if not stored_problems(other)]


def replace_library(old, new, organisation):
    """The organisation's contents that use ``old`` use ``new`` instead, with the
    stored libraries ``new`` needs; ``old`` leaves the store (its row, and its
    files unless another row holds the same) once no content uses it. Other
    organisations' contents are not touched. Returns the contents changed."""
    from relais_h5p.models import H5PLibrary

    stored = _latest(usable_libraries(organisation))
    contents = list(
        old.contents.filter(organisation=organisation).prefetch_related("libraries")
    )
    with transaction.atomic():
        for content in contents:
            kept = {
                library.folder: library
                for library in content.libraries.all()
                if library.pk != old.pk
            }
            kept[new.folder] = new
            needs = list(new.metadata.get("preloadedDependencies") or [])
            content.libraries.set(_follow(needs, kept, stored))
        if not old.contents.exists():
            directory = old.directory
            same_files = (
                H5PLibrary.objects.filter(
                    machine_name=old.machine_name,
                    major_version=old.major_version,
                    minor_version=old.minor_version,
                    digest=old.digest,
                )
                .exclude(pk=old.pk)
                .exists()
            )
            old.delete()
            if not same_files:
                transaction.on_commit(
                    lambda: remove_tree(directory, packages_storage())
                )
    return contents


def _library_row(model, organisation, library, document, digest):
    key = {
        "organisation": organisation,
        "machine_name": library.machine_name,
        "major_version": library.major,
        "minor_version": library.minor,
        "digest": digest,
    }
    try:
        with transaction.atomic():
            return model.objects.get_or_create(
                **key,
                defaults={
                    "patch_version": library.patch,
                    "title": str(document.get("title", ""))[:255],
                    "metadata": document,
                },
            )[0]
    except IntegrityError:  # another upload stored it a moment ago
        return model.objects.get(**key)


def remove(content):
    """Delete a content's extracted files and its uploaded package (the library
    versions stay: other contents may use the same files)."""
    remove_tree(content_dir(content), packages_storage())
    if content.package:
        content.package.delete(save=False)

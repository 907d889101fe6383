"""Uploaded ZIP packages (H5P, SCORM…), read safely: one implementation for every
plugin that takes packages written by others.

Everything is checked from the ZIP's directory before a byte is unpacked: pyh5p's
archive policy per member (path traversal, absolute paths, symlinks, allowed
extensions, per-file size and compression ratio), then duplicate entries, the
number of files, the total unpacked size and the compression ratio of the whole
package (``LMS_PACKAGE_*`` settings). The sizes a ZIP declares are the most Python's
``zipfile`` will ever unpack from a member, so these checks bound disk and memory.
The few documents read into memory (JSON, XML) go through ``read_document`` with a
size limit of their own. Members are then copied to storage one by one, streamed,
never held whole in memory; a copy that fails removes what it wrote.
"""

import posixpath
import zipfile
from contextlib import contextmanager

from django.conf import settings
from django.core.files import File
from django.utils.translation import gettext as _
from pyh5p.errors import PackageError
from pyh5p.security import ArchiveLimits, validate_archive_member

__all__ = [
    "ArchiveLimits",
    "ArchiveRejected",
    "Writer",
    "checked_archive",
    "package_limits",
    "read_document",
    "remove_tree",
]

MEGABYTE = 1024 * 1024
# Below this unpacked size the package's overall compression ratio is not checked:
# small packages of text compress well and can do no harm.
RATIO_FLOOR = 10 * MEGABYTE


class ArchiveRejected(Exception):
    """A package that cannot be used; the message names the file and the reason."""


def package_limits(*, max_file_size, max_total_size, **extra):
    """The archive limits of one kind of package, with the install's limits on the
    number of files and the compression ratio per file."""
    return ArchiveLimits(
        max_file_size=max_file_size,
        max_total_size=max_total_size,
        max_files=settings.LMS_PACKAGE_MAX_FILES,
        max_compression_ratio=settings.LMS_PACKAGE_MAX_FILE_RATIO,
        **extra,
    )


def read_document(archive, info, max_bytes):
    """A member read whole into memory (a JSON or XML document), refused above
    ``max_bytes`` before anything is read."""
    if info.file_size > max_bytes:
        raise ArchiveRejected(
            f"{info.filename}: this document is larger than the "
            f"{max(1, max_bytes // 1024)} KB allowed"
        )
    with _damage_refused(info), archive.open(info) as member:
        return member.read(max_bytes + 1)[:max_bytes]


# The local header of a member is at least this long before its data.
LOCAL_HEADER_SIZE = 30
ENCRYPTED = 0x1  # general purpose flag bit 0


@contextmanager
def _damage_refused(info):
    """Reading a damaged member (a wrong checksum, an entry overlapping another)
    fails with the member's name and the reason, not a crash."""
    try:
        yield
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as error:
        raise ArchiveRejected(
            _("%(name)s: this file of the archive is damaged (%(error)s)")
            % {"name": info.filename, "error": error}
        ) from error


def _refuse_damage(archive, infos):
    """Encrypted members, and members whose data overlap another's (a ZIP bomb
    trick: one compressed stream read again and again), refused from the
    directory alone."""
    for info in infos:
        if info.flag_bits & ENCRYPTED:
            raise ArchiveRejected(
                _(
                    "%(name)s: this file of the archive is encrypted; send the "
                    "package without a password"
                )
                % {"name": info.filename}
            )
    ordered = sorted(infos, key=lambda info: info.header_offset)
    ends = [info.header_offset for info in ordered[1:]] + [archive.start_dir]
    for info, end in zip(ordered, ends, strict=True):
        data_end = (
            info.header_offset
            + LOCAL_HEADER_SIZE
            + len(info.orig_filename.encode("utf-8", "replace"))
            + info.compress_size
        )
        if data_end > end:
            raise ArchiveRejected(
                _(
                    "%(name)s: this file overlaps another one in the archive; the "
                    "package is damaged or built to harm"
                )
                % {"name": info.filename}
            )


@contextmanager
def checked_archive(path, limits, *, kind, tolerated=frozenset()):
    """Open a ZIP and check every member: yields (archive, members to extract).
    Directories and ``tolerated`` top-level names are left out of the members."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ArchiveRejected(f"not a {kind} (ZIP) file: {error}") from error
    with archive:
        seen, members, total = set(), [], 0
        infos = archive.infolist()
        if len(infos) > limits.max_files:
            raise ArchiveRejected(
                f"the package holds more than {limits.max_files} files"
            )
        _refuse_damage(archive, infos)
        for info in infos:
            name = info.filename
            if name in seen:
                raise ArchiveRejected(f"{name}: the archive holds this entry twice")
            seen.add(name)
            if name in tolerated or info.is_dir():
                continue
            try:
                validate_archive_member(name, info, limits)
            except PackageError as error:
                raise ArchiveRejected(str(error)) from error
            total += info.file_size
            if total > limits.max_total_size:
                raise ArchiveRejected(
                    "the package is larger than allowed once unpacked"
                )
            members.append(info)
        packed = sum(info.compress_size for info in members) or 1
        ratio = settings.LMS_PACKAGE_MAX_RATIO
        if total > RATIO_FLOOR and total / packed > ratio:
            raise ArchiveRejected(
                f"the package unpacks to {total // MEGABYTE} MB, more than {ratio} "
                "times its size: it looks like a ZIP bomb"
            )
        yield archive, members


class Writer:
    """Copies members to storage (the private ``packages`` storage unless told
    otherwise: never the public media); on an error inside ``with``, removes them
    all."""

    def __init__(self, storage=None):
        from lms.private_files import packages_storage

        self.storage = storage or packages_storage()
        self.written = []

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if error is not None:
            for name in self.written:
                self.storage.delete(name)
        return False

    def copy(self, archive, info, name):
        if posixpath.normpath(name) != name:
            raise ArchiveRejected(f"{info.filename}: unsafe path")
        if self.storage.exists(name):
            self.storage.delete(name)
        # Streamed in chunks, never read whole; a wrong checksum shows at the end.
        try:
            with _damage_refused(info), archive.open(info) as member:
                saved = self.storage.save(
                    name, File(member, name=posixpath.basename(name))
                )
        except ArchiveRejected:
            if self.storage.exists(name):  # what was written before the damage
                self.storage.delete(name)
            raise
        self.written.append(saved)
        return saved


def remove_tree(directory, storage=None):
    """Delete every file under a storage directory (of ``packages`` by default)."""
    from lms.private_files import packages_storage

    storage = storage or packages_storage()
    directories, files = [directory], []
    while directories:
        current = directories.pop()
        try:
            subdirectories, names = storage.listdir(current)
        except FileNotFoundError:
            continue
        directories += [f"{current}/{sub}" for sub in subdirectories]
        files += [f"{current}/{name}" for name in names]
    for name in files:
        storage.delete(name)

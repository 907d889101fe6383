"""The core's package reader, shared by every plugin taking ZIP packages."""

import io
import os
import zipfile

import pytest
from django.core.files.storage import default_storage

from lms.archives import ArchiveLimits, ArchiveRejected, Writer, checked_archive
from lms.private_files import packages_storage
from tests.h5p_packages import storage_in


def zip_of(*members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


def members(package, limits, kind="SCORM"):
    with checked_archive(package, limits, kind=kind) as (_archive, infos):
        return [info.filename for info in infos]


def test_each_plugin_chooses_its_extensions_the_checks_stay_the_same():
    package = zip_of(("index.html", "<p>SCO</p>"), ("imsmanifest.xml", "<manifest/>"))
    with pytest.raises(ArchiveRejected, match=r"index\.html"):
        members(package, ArchiveLimits(), kind="H5P")
    scorm = ArchiveLimits(allowed_extensions=frozenset({"html", "xml"}))
    assert members(package, scorm) == ["index.html", "imsmanifest.xml"]
    with pytest.raises(ArchiveRejected, match="unsafe"):
        members(zip_of(("../evil.html", "x")), scorm)
    with pytest.raises(ArchiveRejected, match="more than 1 files"):
        members(package, ArchiveLimits(max_files=1))
    with pytest.raises(ArchiveRejected, match="not a SCORM"):
        members(io.BytesIO(b"not a zip"), scorm)


def test_a_failed_extraction_leaves_nothing_behind(tmp_path):
    package = zip_of(("a.json", "{}"), ("b.json", "{}"))
    with storage_in(packages_storage(), tmp_path):
        with (
            pytest.raises(RuntimeError),
            zipfile.ZipFile(package) as archive,
            Writer() as writer,
        ):
            writer.copy(archive, archive.getinfo("a.json"), "x/a.json")
            assert packages_storage().exists("x/a.json")
            raise RuntimeError("the disk is full")
        assert not packages_storage().exists("x/a.json")


def test_packages_are_written_to_the_private_storage_unless_told_otherwise(
    settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    package = zip_of(("a.json", "{}"))
    with (
        storage_in(packages_storage(), tmp_path / "packages"),
        zipfile.ZipFile(package) as archive,
        Writer() as writer,
    ):
        writer.copy(archive, archive.getinfo("a.json"), "x/a.json")
    assert (tmp_path / "packages" / "x" / "a.json").exists()
    assert not default_storage.exists("x/a.json")
    with pytest.raises(ValueError):
        packages_storage().url("x/a.json")  # no URL: only views serve it


def test_the_whole_packages_ratio_and_its_documents_are_bounded(settings):
    from lms.archives import package_limits, read_document

    settings.LMS_PACKAGE_MAX_RATIO = 2
    ab = bytes(b"ab"[n % 2] for n in range(256))  # deflates about 7 times
    big = io.BytesIO()
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(11):
            archive.writestr(f"{number}.txt", os.urandom(1024 * 1024).translate(ab))
    big.seek(0)
    with pytest.raises(ArchiveRejected, match="ZIP bomb"):
        members(big, package_limits(max_file_size=2**30, max_total_size=2**31))
    small = zip_of(("imsmanifest.xml", "<m>" + " " * 2048 + "</m>"))
    with zipfile.ZipFile(small) as archive, pytest.raises(ArchiveRejected) as refused:
        read_document(archive, archive.getinfo("imsmanifest.xml"), 1024)
    assert "imsmanifest.xml" in str(refused.value) and "1 KB" in str(refused.value)

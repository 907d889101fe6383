"""The core's package reader, shared by every plugin taking ZIP packages."""

import io
import zipfile

import pytest
from django.core.files.storage import default_storage

from lms.archives import ArchiveLimits, ArchiveRejected, Writer, checked_archive


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


def test_a_failed_extraction_leaves_nothing_behind(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    package = zip_of(("a.json", "{}"), ("b.json", "{}"))
    with (
        pytest.raises(RuntimeError),
        zipfile.ZipFile(package) as archive,
        Writer() as writer,
    ):
        writer.copy(archive, archive.getinfo("a.json"), "packages/x/a.json")
        assert default_storage.exists("packages/x/a.json")
        raise RuntimeError("the disk is full")
    assert not default_storage.exists("packages/x/a.json")

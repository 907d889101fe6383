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


def test_each_plugin_chooses_its_extensions_the_checks_stay_the_same():
    package = zip_of(("index.html", "<p>SCO</p>"), ("imsmanifest.xml", "<manifest/>"))
    with pytest.raises(ArchiveRejected, match="index.html"):
        with checked_archive(package, ArchiveLimits(), kind="H5P"):
            pass
    scorm = ArchiveLimits(allowed_extensions=frozenset({"html", "xml"}))
    with checked_archive(package, scorm, kind="SCORM") as (_archive, members):
        assert [info.filename for info in members] == ["index.html", "imsmanifest.xml"]
    traversal = zip_of(("../evil.html", "x"))
    with pytest.raises(ArchiveRejected, match="unsafe"):
        with checked_archive(traversal, scorm, kind="SCORM"):
            pass
    with pytest.raises(ArchiveRejected, match="more than 1 files"):
        with checked_archive(package, ArchiveLimits(max_files=1), kind="SCORM"):
            pass
    with pytest.raises(ArchiveRejected, match="not a SCORM"):
        with checked_archive(io.BytesIO(b"not a zip"), scorm, kind="SCORM"):
            pass


def test_a_failed_extraction_leaves_nothing_behind(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    package = zip_of(("a.json", "{}"), ("b.json", "{}"))
    with pytest.raises(RuntimeError), zipfile.ZipFile(package) as archive:
        with Writer() as writer:
            writer.copy(archive, archive.getinfo("a.json"), "packages/x/a.json")
            assert default_storage.exists("packages/x/a.json")
            raise RuntimeError("the disk is full")
    assert not default_storage.exists("packages/x/a.json")

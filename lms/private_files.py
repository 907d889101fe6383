"""Where uploaded and personal files live, and the one way they leave.

Nothing a person uploads or that holds people's data goes to ``MEDIA_ROOT`` (which
a web server may publish as it is). Two storages without a URL instead:

* ``packages`` (``PACKAGES_ROOT``): H5P and SCORM packages, served by the content
  origin's views to the holder of a signed launch token, never on the platform's
  origin;
* ``private`` (``PRIVATE_ROOT``): evidence attachments, exports. Each is served by
  a view that decides who may fetch it, through ``download_response``: always a
  download (``Content-Disposition: attachment``), never sniffed, never run.

A model field points at one with ``storage=private_storage`` (a callable, so the
migration names the function, not a path).
"""

from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse

__all__ = [
    "PrivateFileSystemStorage",
    "download_response",
    "packages_storage",
    "private_storage",
]


class PrivateFileSystemStorage(FileSystemStorage):
    """A file-system storage with no URL: Django's falls back to ``MEDIA_URL``
    when ``base_url`` is empty, this one refuses, so no template can link a
    private file past the view that guards it."""

    def url(self, name):
        raise ValueError("A private file has no URL: a view serves it.")


def private_storage():
    """People's files (``STORAGES["private"]``): no URL, only checked views."""
    return storages["private"]


def packages_storage():
    """Packages written by others (``STORAGES["packages"]``): no URL, only the
    content origin's views."""
    return storages["packages"]


def download_response(file, filename):
    """A stored file as a download: whatever its type (an HTML or SVG file saved
    as a "PDF" included), the browser saves it rather than rendering it on the
    platform's origin, and no cache keeps a copy."""
    response = FileResponse(file.open("rb"), as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    # Even rendered by mistake: no script, no plugin, an opaque origin.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response

"""Private storages on an S3-compatible object store (django-storages), for
installs on several hosts that have one (lms/settings/production.py,
``LMS_S3_BUCKET``). Imported only when configured: django-storages is the ``s3``
extra."""

from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """Like ``lms.private_files.PrivateFileSystemStorage``: no URL, not even a
    signed one; a view that checks who asks serves the file."""

    def url(self, name, *args, **kwargs):
        raise ValueError("A private file has no URL: a view serves it.")

"""Private storages on an S3-compatible object store (django-storages), for
installs on several hosts that have one (lms/settings/production.py,
``LMS_S3_BUCKET``). Imported only when configured: django-storages is the ``s3``
extra. ``tests/test_object_storage.py`` runs these storages against a real
S3-compatible server (moto's, on the loopback)."""

from storages.backends.s3 import S3Storage


def s3_storages(bucket, **connection):
    """The ``STORAGES`` entries of an install on an object store: public media
    (signed, expiring URLs), and packages and private files without any URL.
    ``connection``: ``endpoint_url``, ``region_name``, ``access_key``,
    ``secret_key``."""
    common = {
        "bucket_name": bucket,
        **connection,
        "default_acl": None,
        "file_overwrite": False,
    }
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**common, "location": "media", "querystring_auth": True},
        },
        # No URL ever: packages and private files leave through a view that
        # checks who asks (lms.private_files), as on disk.
        "packages": {
            "BACKEND": "lms.object_storage.PrivateS3Storage",
            "OPTIONS": {**common, "location": "packages"},
        },
        "private": {
            "BACKEND": "lms.object_storage.PrivateS3Storage",
            "OPTIONS": {**common, "location": "private"},
        },
    }


class PrivateS3Storage(S3Storage):
    """Like ``lms.private_files.PrivateFileSystemStorage``: no URL, not even a
    signed one; a view that checks who asks serves the file."""

    def url(self, name, *args, **kwargs):
        raise ValueError("A private file has no URL: a view serves it.")

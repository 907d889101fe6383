"""Evidence attachments and exports move to the private storage (2/3: the files).

An attachment was a Wagtail document (shared with every editor, downloadable at
/documents/<id>/<name>): its file is copied to the private storage, then the
document and its public file are deleted. Export files move the same way.
"""

import posixpath

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import migrations

import lms.private_files


def _move(name, file, target):
    with file.open("rb") as source:
        return target.save(name, File(source, name=posixpath.basename(name)))


def attachments_to_private_storage(apps, schema_editor):
    Evidence = apps.get_model("skills", "Evidence")
    Document = apps.get_model("wagtaildocs", "Document")
    private = lms.private_files.private_storage()
    for evidence in Evidence.objects.exclude(attachment=None).iterator():
        document = Document.objects.filter(pk=evidence.attachment_id).first()
        if document is None or not document.file:
            continue
        day = evidence.created_at or evidence.observed_on
        name = (
            f"skills/evidence/{day:%Y/%m}/{posixpath.basename(document.file.name)}"
        )
        try:
            evidence.attachment_file = _move(name, document.file, private)
        except FileNotFoundError:
            continue
        evidence.save(update_fields=["attachment_file"])
        document.file.delete(save=False)
        document.delete()


def exports_to_private_storage(apps, schema_editor):
    Job = apps.get_model("skills", "Job")
    private = lms.private_files.private_storage()
    for job in Job.objects.exclude(result="").iterator():
        name = job.result.name
        if not default_storage.exists(name) or private.exists(name):
            continue
        with default_storage.open(name, "rb") as source:
            job.result.name = private.save(name, File(source, name=posixpath.basename(name)))
        job.save(update_fields=["result"])
        default_storage.delete(name)


class Migration(migrations.Migration):
    dependencies = [
        ("skills", "0005_private_files"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [
        migrations.RunPython(attachments_to_private_storage, migrations.RunPython.noop),
        migrations.RunPython(exports_to_private_storage, migrations.RunPython.noop),
    ]

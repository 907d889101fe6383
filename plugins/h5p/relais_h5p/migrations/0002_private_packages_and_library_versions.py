"""H5P packages leave the public media: every file under h5p/ (uploads, extracted
content, the library store) moves to the private ``packages`` storage, served only
by the content origin's views. Library rows stored so far keep no organisation nor
digest: the contents using them still do, new uploads get their own."""

import posixpath

import django.core.validators
import django.db.models.deletion
import lms.private_files
import relais_h5p.models
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import migrations, models


def files_to_packages_storage(apps, schema_editor):
    target = lms.private_files.packages_storage()
    folders, names = ["h5p"], []
    while folders:
        folder = folders.pop()
        try:
            subfolders, files = default_storage.listdir(folder)
        except FileNotFoundError:
            continue
        folders += [f"{folder}/{sub}" for sub in subfolders]
        names += [f"{folder}/{name}" for name in files]
    for name in names:
        if not target.exists(name):
            with default_storage.open(name, "rb") as source:
                target.save(name, File(source, name=posixpath.basename(name)))
        default_storage.delete(name)


class Migration(migrations.Migration):

    dependencies = [
        ('h5p', '0001_initial'),
        ('wagtailcore', '0098_apitoken'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='h5plibrary',
            name='h5p_library_once',
        ),
        migrations.AddField(
            model_name='h5plibrary',
            name='digest',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name='h5plibrary',
            name='organisation',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='wagtailcore.site'),
        ),
        migrations.AlterField(
            model_name='h5pcontent',
            name='package',
            field=models.FileField(help_text='An .h5p file exported from h5p.org, Lumi or Moodle.', storage=lms.private_files.packages_storage, upload_to='h5p/uploads/', validators=[django.core.validators.FileExtensionValidator(['h5p']), relais_h5p.models.validate_upload_size], verbose_name='H5P file'),
        ),
        migrations.AddConstraint(
            model_name='h5plibrary',
            constraint=models.UniqueConstraint(fields=('organisation', 'machine_name', 'major_version', 'minor_version', 'digest'), name='h5p_library_files_once'),
        ),
        migrations.RunPython(files_to_packages_storage, migrations.RunPython.noop),
    ]

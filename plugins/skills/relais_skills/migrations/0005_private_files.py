"""Evidence attachments and exports move to the private storage (1/3: the new
field). In three migrations so that PostgreSQL, which refuses to alter a table with
row changes still pending in the same transaction, commits the moves (0006) before
the old column goes (0007)."""

from django.db import migrations, models

import lms.private_files


class Migration(migrations.Migration):
    dependencies = [
        ("skills", "0004_evidence_private_note"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [
        migrations.AddField(
            model_name="evidence",
            name="attachment_file",
            field=models.FileField(
                blank=True,
                max_length=255,
                storage=lms.private_files.private_storage,
                upload_to="skills/evidence/%Y/%m/",
                verbose_name="attachment",
            ),
        ),
        migrations.AlterField(
            model_name="job",
            name="result",
            field=models.FileField(
                blank=True,
                storage=lms.private_files.private_storage,
                upload_to="skills/jobs/",
            ),
        ),
    ]

"""Evidence attachments and exports move to the private storage (3/3: the old
document column goes, the private file takes its name)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("skills", "0006_private_files_moved")]

    operations = [
        migrations.RemoveField(model_name="evidence", name="attachment"),
        migrations.RenameField(
            model_name="evidence", old_name="attachment_file", new_name="attachment"
        ),
    ]

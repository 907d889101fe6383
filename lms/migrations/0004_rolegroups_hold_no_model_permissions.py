"""Organisation role groups used to be granted global model permissions (and
wagtailadmin.access_admin), which held on every organisation's admin. Rights are
now answered for the organisation being served (lms.permissions); the groups keep
only Wagtail's page and collection permissions."""

from django.db import migrations


def remove_model_permissions(apps, schema_editor):
    RoleGroup = apps.get_model("lms", "RoleGroup")
    Group = apps.get_model("auth", "Group")
    Through = Group.permissions.through
    Through.objects.filter(
        group_id__in=RoleGroup.objects.values("group_id")
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0003_alter_organisationsettings_federation"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(remove_model_permissions, migrations.RunPython.noop)
    ]

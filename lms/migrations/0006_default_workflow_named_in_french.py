"""Wagtail's install creates the workflow and task "Moderators approval"; the admin
then offers "Soumettre à Moderators approval". Named in French where still untouched,
and so are the groups "Moderators" and "Editors" it creates with them."""

from django.db import migrations

ENGLISH = "Moderators approval"
FRENCH = "Validation par les modérateurs"


GROUPS = {"Moderators": "Modérateurs", "Editors": "Éditeurs"}


def rename(apps, before, after):
    for model in ("Workflow", "Task"):
        apps.get_model("wagtailcore", model).objects.filter(name=before).update(
            name=after
        )


def rename_groups(apps, names):
    Group = apps.get_model("auth", "Group")
    for before, after in names.items():
        if not Group.objects.filter(name=after).exists():
            Group.objects.filter(name=before).update(name=after)


def to_french(apps, schema_editor):
    rename(apps, ENGLISH, FRENCH)
    rename_groups(apps, GROUPS)


def to_english(apps, schema_editor):
    rename(apps, FRENCH, ENGLISH)
    rename_groups(apps, {after: before for before, after in GROUPS.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0005_organisation_invitation_text"),
        ("wagtailcore", "0048_add_default_workflows"),
        # Every Wagtail migration that finds the groups by their English name.
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailimages", "0002_initial_data"),
        ("wagtaildocs", "0002_initial_data"),
        ("wagtailcore", "0005_add_page_lock_permission_to_moderators"),
    ]

    operations = [migrations.RunPython(to_french, to_english)]

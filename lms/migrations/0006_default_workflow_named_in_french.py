"""Wagtail's install creates the workflow and task "Moderators approval"; the admin
then offers "Soumettre à Moderators approval". Named in French where still untouched."""

from django.db import migrations

ENGLISH = "Moderators approval"
FRENCH = "Validation par les modérateurs"


def rename(apps, before, after):
    for model in ("Workflow", "Task"):
        apps.get_model("wagtailcore", model).objects.filter(name=before).update(
            name=after
        )


def to_french(apps, schema_editor):
    rename(apps, ENGLISH, FRENCH)


def to_english(apps, schema_editor):
    rename(apps, FRENCH, ENGLISH)


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0005_organisation_invitation_text"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [
        migrations.RunPython(to_french, to_english)
    ]

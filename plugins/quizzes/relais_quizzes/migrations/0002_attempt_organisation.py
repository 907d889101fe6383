import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def taken_where_the_quiz_is(apps, schema_editor):
    """Until now a quiz was played only in its own organisation."""
    Attempt = apps.get_model("quizzes", "Attempt")
    Quiz = apps.get_model("quizzes", "Quiz")
    Attempt.objects.update(
        organisation=Subquery(
            Quiz.objects.filter(pk=OuterRef("quiz")).values("organisation")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.AddField(
            model_name="attempt",
            name="organisation",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="wagtailcore.site",
            ),
        ),
        migrations.RunPython(taken_where_the_quiz_is, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="attempt",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="wagtailcore.site",
            ),
        ),
    ]

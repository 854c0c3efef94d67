from django.db import migrations, models


def refresh_in_full(apps, schema_editor):
    # Every idea's scores take its margin once it is computed: the next sweep embeds the ideas
    # again (their margin is missing) and then refreshes every ranking.
    apps.get_model("matching", "MatchingState").objects.update(needs_full_refresh=True)


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0008_matching_rows_for_profile_edits"),
    ]

    operations = [
        migrations.AddField(
            model_name="embedding",
            name="pilot_margin",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.RunPython(refresh_in_full, migrations.RunPython.noop),
    ]

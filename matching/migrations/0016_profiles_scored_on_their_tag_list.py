from django.db import migrations


def refresh_in_full(apps, schema_editor):
    # Profiles are now scored on their tag list (one passage) instead of each tag: every
    # profile's passages change, which the sweep notices only through this flag (its text did
    # not change), and the incremental state's sums were counted the old way.
    apps.get_model("matching", "MatchingState").objects.update(needs_full_refresh=True)


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0015_company_statistics_kept_in_the_state_only"),
    ]

    operations = [migrations.RunPython(refresh_in_full, migrations.RunPython.noop)]

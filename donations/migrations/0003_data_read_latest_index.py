from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built without locking the reads' record against new rows.
    atomic = False

    dependencies = [
        ("donations", "0002_data_read_repeats"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="dataread",
            index=models.Index(fields=["pilot", "company", "user", "-id"], name="data_read_latest"),
        ),
    ]

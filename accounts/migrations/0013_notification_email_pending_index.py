from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built without locking the notifications table against new rows.
    atomic = False

    dependencies = [
        ("accounts", "0012_notification_email_wanted"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="notification",
            index=models.Index(
                condition=models.Q(("email_wanted", True), ("emailed_at__isnull", True)),
                fields=["created_at"],
                name="notification_email_pending",
            ),
        ),
    ]

from django.db import migrations


class Migration(migrations.Migration):
    """The embeddings table left half of each page free (0009) so the matcher's stamps could be
    rewritten in place; the stamps live in their own table since 0012, and the free half only
    made the table longer to read."""

    dependencies = [
        ("matching", "0012_matching_stamps_apart_from_embeddings"),
    ]

    operations = [
        migrations.RunSQL(
            sql="ALTER TABLE matching_embedding RESET (fillfactor)",
            reverse_sql="ALTER TABLE matching_embedding SET (fillfactor = 50)",
        ),
    ]

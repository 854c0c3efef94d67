from django.db import migrations

# pgvector stores a vector out of line (STORAGE EXTERNAL) once its row passes about 2 kB, which a
# 512-wide vector always does: reading one then costs a lookup in the TOAST table's index and two
# chunks. A full refresh or a profile edit reads every idea's passages, so passage vectors are kept
# in the row (about three rows a page). Rows written before this keep their out-of-line vectors
# until they are written again.
#
# An embedding's row is small (its vector stays out of line) and rewritten by the matcher (when an
# idea is counted and ranked): room left on each page lets that rewrite stay on the page, without
# a new entry in every index, the HNSW index of the vector among them. A first refresh of a city
# rewrote ten thousand rows and spent most of its time adding them to that index.
FORWARD = [
    "ALTER TABLE matching_passage ALTER COLUMN vector SET STORAGE PLAIN",
    "ALTER TABLE matching_embedding SET (fillfactor = 50)",
]
BACKWARD = [
    "ALTER TABLE matching_passage ALTER COLUMN vector SET STORAGE EXTERNAL",
    "ALTER TABLE matching_embedding RESET (fillfactor)",
]


class Migration(migrations.Migration):
    dependencies = [("matching", "0008_matching_rows_for_profile_edits")]

    operations = [migrations.RunSQL(sql=FORWARD, reverse_sql=BACKWARD)]

from django.db import migrations

# The note the English consent text carried after each part staff wrote in Korean only, as the
# service wrote it until then.
NOTE = " (written in Korean only)"


def drop_notes(apps, schema_editor):
    """The English consent text of each request quotes the Korean parts as they are, with no
    note: the pages say outside the text what is in Korean only. Only the requests' texts
    change; each consent keeps the text it was given with, word for word."""
    PilotDataRequest = apps.get_model("pilots", "PilotDataRequest")
    for data_request in PilotDataRequest.objects.filter(consent_text_en__contains=NOTE):
        data_request.consent_text_en = data_request.consent_text_en.replace(NOTE, "")
        data_request.save(update_fields=["consent_text_en"])


class Migration(migrations.Migration):
    dependencies = [
        ("pilots", "0011_milestone_and_update_in_english"),
    ]

    operations = [
        migrations.RunPython(drop_notes, migrations.RunPython.noop),
    ]

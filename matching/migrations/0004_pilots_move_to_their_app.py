"""The pilot models moved to the pilots app; their tables stay where they are (pilots' models keep
the table names), so this only forgets them in matching's state."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('matching', '0003_embedding_scheme'),
        ('pilots', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.RemoveField(
            model_name='pilot',
            name='companies',
        ),
        migrations.RemoveField(
            model_name='pilot',
            name='created_by',
        ),
        migrations.RemoveField(
            model_name='pilot',
            name='idea',
        ),
        migrations.RemoveField(
            model_name='pilotdatarequest',
            name='pilot',
        ),
        migrations.RemoveField(
            model_name='pilotvolunteer',
            name='pilot',
        ),
        migrations.RemoveField(
            model_name='pilotupdate',
            name='pilot',
        ),
        migrations.RemoveField(
            model_name='pilotconsent',
            name='data_request',
        ),
        migrations.RemoveField(
            model_name='pilotconsent',
            name='volunteer',
        ),
        migrations.RemoveField(
            model_name='pilotupdate',
            name='author',
        ),
        migrations.RemoveField(
            model_name='pilotvolunteer',
            name='user',
        ),
        migrations.DeleteModel(
            name='PilotMilestone',
        ),
        migrations.DeleteModel(
            name='Pilot',
        ),
        migrations.DeleteModel(
            name='PilotDataRequest',
        ),
        migrations.DeleteModel(
            name='PilotConsent',
        ),
        migrations.DeleteModel(
            name='PilotUpdate',
        ),
        migrations.DeleteModel(
            name='PilotVolunteer',
        ),
            ],
            database_operations=[],
        ),
    ]

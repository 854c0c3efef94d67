"""An idea became "in pilot" as soon as a pilot was planned, which told the public of a pilot that
was not public yet. It now becomes "in pilot" when a pilot recruits: ideas whose only open pilots
are in planning go back to matched or published, as a cancelled last pilot would leave them."""

from django.db import migrations

PUBLIC_OPEN_STAGES = ["recruiting", "running", "evaluating"]


def ideas_in_planning_return(apps, schema_editor):
    Idea = apps.get_model("ideas", "Idea")
    Pilot = apps.get_model("pilots", "Pilot")
    Match = apps.get_model("matching", "Match")
    planned_only = (
        Idea.objects.filter(status="in_pilot", pilots__stage="planning")
        .exclude(pk__in=Pilot.objects.filter(stage__in=PUBLIC_OPEN_STAGES).values("idea"))
        .distinct()
    )
    ranked = Match.objects.exclude(status="dismissed").filter(rank_for_idea__isnull=False).values("idea")
    ids = list(planned_only.values_list("pk", flat=True))
    Idea.objects.filter(pk__in=ids).filter(pk__in=ranked).update(status="matched")
    Idea.objects.filter(pk__in=ids, status="in_pilot").update(status="published")


class Migration(migrations.Migration):
    dependencies = [
        ("pilots", "0002_no_control_characters"),
        ("ideas", "0003_report_resolution"),
        ("matching", "0004_pilots_move_to_their_app"),
    ]

    # Going back would only make these ideas leak their planned pilots again.
    operations = [migrations.RunPython(ideas_in_planning_return, migrations.RunPython.noop)]

"""Until now the display name was often the citizen's real name (the sign-up form asked for it
without saying it would be public), and a citizen without one was shown by username. Everyone but
city staff, who act in the city's name, gets a generated nickname; a name they had typed is kept
as their real name, which only staff see. They can choose another display name on their profile."""

from django.db import migrations


def give_nicknames(apps, schema_editor):
    from accounts.nicknames import nickname_generate

    User = apps.get_model("accounts", "User")
    used = {name.lower() for name in User.objects.values_list("display_name", flat=True) if name}
    changed = []
    for user in User.objects.filter(is_staff=False).order_by("pk").iterator():
        nickname = nickname_generate(language=user.preferred_language)
        while nickname.lower() in used:
            nickname = nickname_generate(language=user.preferred_language)
        used.add(nickname.lower())
        if user.display_name and not user.real_name:
            user.real_name = user.display_name[:100]
        user.display_name = nickname
        changed.append(user)
    User.objects.bulk_update(changed, ["display_name", "real_name"], batch_size=1000)


def keep_nicknames(apps, schema_editor):
    # The names typed before are in real_name; undoing would publish them again.
    pass


class Migration(migrations.Migration):
    dependencies = [("accounts", "0008_user_real_name")]

    operations = [migrations.RunPython(give_nicknames, keep_nicknames)]

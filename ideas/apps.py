from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "ideas"
    verbose_name = _("Ideas")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from core import page_cache

        from .models import Comment, Idea, Support

        # The cached idea list and pages show ideas, their comments and support counts. A new
        # idea waits for the moderators, so it changes them only when it is public at once.
        page_cache.watch(Comment, Support)
        page_cache.watch(Idea, inserts=False)
        post_save.connect(_idea_saved, sender=Idea, dispatch_uid="ideas.page_cache")


def _idea_saved(sender, instance, created: bool, **kwargs) -> None:
    if created and instance.is_public:
        from core import page_cache

        page_cache.changed()

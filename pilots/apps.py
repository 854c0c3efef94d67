from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PilotsConfig(AppConfig):
    name = "pilots"
    verbose_name = _("Pilots")

    def ready(self) -> None:
        from core import page_cache

        from .models import Pilot

        # Cached idea pages show the idea's pilots and when it went into one.
        page_cache.watch(Pilot)

        from ideas.selectors import register_idea_page_flag

        from .selectors import idea_page_has_pilots

        # Most ideas have no pilot: their page then asks for none.
        register_idea_page_flag("has_pilots", idea_page_has_pilots)

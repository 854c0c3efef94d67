from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PilotsConfig(AppConfig):
    name = "pilots"
    verbose_name = _("Pilots")

    def ready(self) -> None:
        from core import page_cache

        from .models import Pilot

        # Cached idea pages show the idea's pilots and when it went into one, and a company's
        # cached match cards which of their ideas are in a pilot, and with which companies.
        page_cache.watch(Pilot, Pilot.companies.through)

        from ideas.selectors import register_idea_page_flag

        from .selectors import idea_page_has_pilots

        # Most ideas have no pilot: their page then asks for none.
        register_idea_page_flag("has_pilots", idea_page_has_pilots)

        from matching.idea_pilots import idea_pilots

        from .selectors import companies_running_pilots_of, match_idea_has_pilot, pilots_of_ideas

        # The matcher's pages say which ideas are in a pilot, and with whom; it cannot import pilots.
        idea_pilots.register(
            has_pilot=match_idea_has_pilot,
            pilots_of=pilots_of_ideas,
            companies_running=companies_running_pilots_of,
        )

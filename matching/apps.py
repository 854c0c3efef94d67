from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        # The idea and company lists search by meaning through the matcher, which they cannot
        # import.
        from companies.search import companies_by_meaning
        from ideas.search import ideas_by_meaning

        from . import lookup
        from .search import CLOSE_IN_MEANING, COMPANY_CLOSE_STANDING

        ideas_by_meaning.register(lookup.ideas_by_meaning, close_from=CLOSE_IN_MEANING)
        companies_by_meaning.register(lookup.companies_by_meaning, close_from=COMPANY_CLOSE_STANDING)

        from ideas.selectors import register_idea_page_flag

        from .selectors import idea_page_has_matches

        register_idea_page_flag("has_page_matches", idea_page_has_matches)

        from core import page_cache

        from .models import Embedding, Match, MatchingStamp

        # Cached idea pages show the matches; the API's matching state reads the stamp's
        # matched_at.
        page_cache.watch(Match, Embedding, MatchingStamp)

        # Registered with the Celery app in every process, not only in workers: a task the
        # dispatcher sends by name is then sent by the task itself, under the app's settings
        # (run at once where tasks are set to, as `delay` is), rather than by `send_task`.
        from . import tasks  # noqa: F401

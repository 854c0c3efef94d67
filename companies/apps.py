from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "companies"
    verbose_name = _("Companies")

    def ready(self) -> None:
        from core import page_cache

        from .models import Company

        # Cached idea pages list the companies matched and interested, by name, if verified.
        page_cache.watch(Company)

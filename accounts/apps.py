from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from core import page_cache

        from .models import User

        # Cached idea pages name their authors and commenters.
        page_cache.watch(User)

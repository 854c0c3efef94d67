from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    KOREAN = "ko", _("Korean")
    ENGLISH = "en", _("English")


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    COMPANY_MEMBER = "company_member", _("Company member")
    CITY_STAFF = "city_staff", _("City staff")


class User(AbstractUser):
    """A person using the site. Everyone is a citizen; membership of a company and city staff
    status are added on top, so a company employee can still propose ideas as a citizen."""

    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.KOREAN
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_city_staff(self) -> bool:
        # Staff curate through the product and may open the Django admin, so the flag is shared.
        return self.is_active and self.is_staff

    @property
    def roles(self) -> list[str]:
        roles = [Role.CITIZEN.value]
        if self.memberships.exists():
            roles.append(Role.COMPANY_MEMBER.value)
        if self.is_city_staff:
            roles.append(Role.CITY_STAFF.value)
        return roles

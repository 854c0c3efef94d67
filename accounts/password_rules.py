"""The texts of Django's password validators (AUTH_PASSWORD_VALIDATORS), their rules told under a
password field and their refusals.

Django's own Korean reads as a translation ("통상적으로 자주 사용되는 비밀번호는 사용할 수
없습니다."): the project's catalogue, which Django reads before its own, gives the site's Korean
under Django's exact msgids. They are named here, and nowhere used, so that `make messages` finds
them in the project's source and keeps them in the catalogue."""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_PASSWORD_TEXTS = (
    # MinimumLengthValidator
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
    ),
    # UserAttributeSimilarityValidator
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    # CommonPasswordValidator
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be a commonly used password."),
    # NumericPasswordValidator
    gettext_noop("This password is entirely numeric."),
    gettext_noop("Your password can’t be entirely numeric."),
)

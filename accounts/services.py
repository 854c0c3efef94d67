from django.contrib.auth import password_validation
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from core.errors import ApplicationError

from .models import Language, User


@transaction.atomic
def user_sign_up(
    *,
    username: str,
    email: str = "",
    password: str,
    display_name: str = "",
    preferred_language: str = Language.KOREAN,
) -> User:
    """Create a citizen's account. Usernames are public and unique, so a taken one is reported.
    An email address is only where notifications go, not a way to sign in, and is not verified;
    it is not required to be unique, so sign-up never tells whether an address has an account."""
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(
            _("This username is already taken."),
            fields={"username": [_("This username is already taken.")]},
        )
    user = User(
        username=username,
        email=email,
        display_name=display_name,
        preferred_language=preferred_language,
    )
    _validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def user_change_password(*, user: User, old_password: str, new_password: str) -> User:
    if not user.check_password(old_password):
        raise ApplicationError(
            _("Your current password is not correct."),
            fields={"old_password": [_("Your current password is not correct.")]},
        )
    _validate_password(new_password, user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # A changed password must end sessions elsewhere, including API tokens.
    Token.objects.filter(user=user).delete()
    return user


def user_token_get_or_create(*, user: User) -> Token:
    token, _created = Token.objects.get_or_create(user=user)
    return token


def _validate_password(password: str, user: User, field: str = "password") -> None:
    from django.core.exceptions import ValidationError

    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ApplicationError(
            _("Choose a stronger password."), fields={field: list(error.messages)}
        ) from error

from django.contrib.auth import password_validation
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from core.errors import ApplicationError
from core.services import model_update

from .models import Language, User
from .nicknames import unused_nickname

PROFILE_FIELDS = ("display_name", "real_name", "email", "preferred_language")


def user_sign_up_problems(
    *, username: str | None, email: str | None = "", password: str | None, display_name: str | None = ""
) -> dict[str, list[str]]:
    """What keeps an account with these details from being made, by field: a username or display
    name someone already has, a password the validators refuse (AUTH_PASSWORD_VALIDATORS: too
    short, too common, all digits, too like the username). The sign-up page and the API ask this
    in the same pass as their own checks of the fields, so a citizen hears of every problem in
    one answer rather than of the next one on each try. A field refused already, or left empty,
    is passed as None or "" and not asked about."""
    problems: dict[str, list[str]] = {}
    if username and User.objects.filter(username__iexact=username).exists():
        problems["username"] = [_("This username is already taken.")]
    display_name = " ".join((display_name or "").split())
    if display_name:
        try:
            _check_display_name_free(display_name)
        except ApplicationError as error:
            problems.update(error.fields)
    if password:
        someone = User(username=username or "", email=email or "", display_name=display_name)
        try:
            _validate_password(password, someone)
        except ApplicationError as error:
            problems.update(error.fields)
    return problems


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
    it is not required to be unique, so sign-up never tells whether an address has an account.
    Without a display name of their own the citizen is shown by a generated nickname. Every
    problem is told at once (user_sign_up_problems)."""
    display_name = " ".join(display_name.split())
    problems = user_sign_up_problems(
        username=username, email=email, password=password, display_name=display_name
    )
    if problems:
        raise ApplicationError(next(iter(problems.values()))[0], fields=problems)
    user = User(
        username=username,
        email=email,
        display_name=display_name or unused_nickname(language=preferred_language),
        preferred_language=preferred_language,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def _check_display_name_free(display_name: str, exclude: User | None = None) -> None:
    # Two people of one name could pass for each other in a discussion.
    others = User.objects.filter(display_name__iexact=display_name)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        message = _("Someone already uses this display name. Choose another.")
        raise ApplicationError(message, fields={"display_name": [message]})


@transaction.atomic
def user_update_profile(*, user: User, **changes: str) -> User:
    """Change the citizen's own display name, real name, email or language. The display name
    cannot be emptied: the public would then need another name to show."""
    if "display_name" in changes:
        display_name = " ".join(changes["display_name"].split())
        if not display_name:
            message = _("Choose a display name: it is shown on your ideas and comments.")
            raise ApplicationError(message, fields={"display_name": [message]})
        _check_display_name_free(display_name, exclude=user)
        changes["display_name"] = display_name
    if "real_name" in changes:
        changes["real_name"] = " ".join(changes["real_name"].split())
    model_update(instance=user, fields=PROFILE_FIELDS, data=changes)
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
    user_tokens_revoke(user=user)
    return user


def user_password_confirm(*, user: User, password: str) -> None:
    """Refuses a step that asks for the account's password again (closing it, say) when the
    password given is not it."""
    if not user.check_password(password):
        raise ApplicationError(
            _("Your password is not correct."), fields={"password": [_("Your password is not correct.")]}
        )


def user_close(*, user: User) -> User:
    """Empties the account of who its owner was and ends every way into it. The row stays (see
    `User.closed_at`); the caller has already ended what the person took part in elsewhere."""
    user.notifications.all().delete()
    user.notification_preferences.all().delete()
    user_tokens_revoke(user=user)
    # A character no sign-up accepts (`USERNAME_PATTERN`), so no account can already hold it.
    user.username = f"closed:{user.pk}"
    user.email = ""
    user.first_name = user.last_name = ""
    user.display_name = user.real_name = ""
    user.set_unusable_password()
    user.last_login = None
    user.is_active = user.is_staff = user.is_superuser = False
    user.closed_at = timezone.now()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    return user


def user_tokens_revoke(*, user: User) -> int:
    """End the user's API tokens, after their password changed."""
    deleted, _by_model = Token.objects.filter(user=user).delete()
    return deleted


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

"""The password reset mail: queued from the page, rendered and sent by a worker."""

import logging

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.core.mail import send_mail
from django.core.validators import MaxLengthValidator
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import USERNAME_MAX_LENGTH

logger = logging.getLogger(__name__)

SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"
EMAIL_TEMPLATE = "registration/password_reset_email.txt"
# What of Django's mail context the worker receives: the link's user id and token it makes itself.
PAGE_CONTEXT = ("email", "domain", "site_name", "protocol", "site_url")


def send_password_reset(*, user, context: dict) -> None:
    """Render the reset mail in the active language and send it to the account's address."""
    subject = "".join(loader.render_to_string(SUBJECT_TEMPLATE, context).splitlines())
    body = loader.render_to_string(EMAIL_TEMPLATE, context)
    send_mail(subject, body, None, [user.email])


class PasswordResetForm(auth_forms.PasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Queued for a worker; with the broker down the mail is sent from the request, as it
        would be without a worker. Either way it is written in the language the account's owner
        chose, not the page's: whoever asked for it may not be the owner."""
        from .tasks import send_password_reset_email

        user = context["user"]
        try:
            send_password_reset_email.delay(
                user_id=user.pk,
                context={key: context[key] for key in PAGE_CONTEXT if key in context},
            )
            return
        except Exception:
            logger.warning("Could not queue a password reset mail; sending it now.", exc_info=True)
        # Django's own sending, which logs a failure: the page says the same whether or not a
        # mail went out, so it cannot say this either.
        with translation.override(user.preferred_language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class UsernameLengthChecked(auth_forms.AuthenticationForm):
    """Django's log-in form shows the username's max_length but never checks it, and a longer name
    reaches django-axes, which records the failed attempt in a column of 255 characters."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].validators.append(MaxLengthValidator(USERNAME_MAX_LENGTH))


class AdminLoginForm(UsernameLengthChecked, AdminAuthenticationForm):
    pass


class LoginForm(UsernameLengthChecked):
    # Django's Korean for this refusal reads "아이디와/과 비밀번호", a bracketed particle the
    # site's Korean avoids: the site says it in its own words.
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _(
            "The username or the password is not right. Both are case-sensitive: check them and try again."
        ),
    }

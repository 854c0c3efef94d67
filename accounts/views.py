import hashlib
import math

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, password_validation
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from core.errors import ApplicationError
from core.forms import SingleLineField, add_service_errors
from core.shortcuts import filters_applied
from core.throttling import page_throttle_wait

from .audit import AuditNames, audit_changes, audit_target_kind, audit_target_url
from .decorators import city_staff_required
from .forms import EMAIL_TEMPLATE, SUBJECT_TEMPLATE, LoginForm, PasswordResetForm
from .lockout import lockout_message
from .models import USERNAME_CHARACTERS_REFUSED, USERNAME_MAX_LENGTH, USERNAME_PATTERN, AuditAction, Language
from .selectors import audit_actors, audit_entry_list
from .services import user_sign_up, user_sign_up_problems, user_tokens_revoke, user_update_profile

# Each request mails whatever address is typed in, so one client address may send only a few an
# hour, and one email address, asked for from however many client addresses, may receive only a
# few: a client address alone would let a handful of machines flood a mailbox.
PASSWORD_RESETS_PER_ADDRESS_PER_HOUR = 5
PASSWORD_RESETS_PER_EMAIL_PER_HOUR = 3


class SignUpForm(forms.Form):
    username = forms.RegexField(
        USERNAME_PATTERN,
        max_length=USERNAME_MAX_LENGTH,
        label=_("username"),
        help_text=_("Letters, digits and @ . + - _ only, no spaces."),
        error_messages={"invalid": USERNAME_CHARACTERS_REFUSED},
    )
    email = forms.EmailField(
        required=False,
        label=_("email"),
        help_text=_("Optional. Without an email, a forgotten password cannot be reset."),
    )
    display_name = SingleLineField(
        required=False,
        max_length=60,
        label=_("display name"),
        help_text=_("Shown on your ideas and comments. Leave it empty and we make up a nickname."),
    )
    # The rules the password is checked against (AUTH_PASSWORD_VALIDATORS), told before it is typed.
    password = forms.CharField(
        widget=forms.PasswordInput,
        max_length=128,
        label=_("password"),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password_again = forms.CharField(widget=forms.PasswordInput, max_length=128, label=_("password again"))
    # Korean law (the Personal Information Protection Act) asks for consent to what is collected,
    # given separately and knowingly; the page shows the notice above this box.
    privacy_consent = forms.BooleanField(
        label=_("I have read what is collected and why, and I agree."),
        error_messages={"required": _("Sign-up needs your agreement to the privacy notice.")},
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password_again") != cleaned.get("password"):
            self.add_error("password_again", _("The two passwords are not the same."))
        # Asked whatever else is wrong, so that a taken username or a weak password is told with
        # the other errors, not on the next try; the fields refused above are left out.
        problems = user_sign_up_problems(
            username=cleaned.get("username"),
            email=cleaned.get("email"),
            password=cleaned.get("password"),
            display_name=cleaned.get("display_name"),
        )
        for field, errors in problems.items():
            self.add_error(field, errors)
        return cleaned


def signup(request):
    form = SignUpForm(request.POST or None)
    going_to = _where_they_were_going(request)
    if request.method == "POST" and (wait := page_throttle_wait(request, scope="signup")) is not None:
        minutes = max(1, math.ceil(wait / 60))
        form.add_error(
            None,
            ngettext(
                "Too many sign-ups from your address. Try again in %(minutes)d minute.",
                "Too many sign-ups from your address. Try again in %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes},
        )
        return render(request, "registration/signup.html", {"form": form, "next": going_to}, status=429)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("password_again", "privacy_consent")}
        # The citizen's nickname and notifications follow the page's language, as the API's
        # sign-up does when not told another.
        try:
            user = user_sign_up(**data, preferred_language=Language.of_request(request))
        except (ApplicationError, ValidationError) as error:
            add_service_errors(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _welcome(user, going_on=bool(going_to)))
            # My page shows the name others see them by and where to start: an idea to propose,
            # the ideas to support, a company to register.
            return redirect(going_to or "my-page")
    return render(request, "registration/signup.html", {"form": form, "next": going_to})


def _welcome(user, *, going_on: bool) -> str:
    """The first thing a new citizen reads: that they are in, by the name others see, and what to
    do next. The folded menu on a phone shows neither."""
    if going_on:
        text = _("Welcome, %(name)s. You are signed in: carry on where you left off.")
    else:
        text = _(
            "Welcome, %(name)s. You are signed in. Propose an idea from here, or support the ideas "
            "you want tried in Gwangju."
        )
    return text % {"name": user.display_name}


def _where_they_were_going(request: HttpRequest) -> str:
    """The page a sign-up was asked from (the idea to support, the form to fill), as log-in keeps
    it: only an address of this site."""
    going_to = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        going_to, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return going_to if safe else ""


class ProfileForm(forms.Form):
    display_name = SingleLineField(
        max_length=60,
        label=_("display name"),
        help_text=_("Shown on your ideas and comments, to everyone."),
    )
    real_name = SingleLineField(
        required=False,
        max_length=100,
        label=_("real name"),
        help_text=_(
            "Optional. Only city staff see it, for instance to reach you about a pilot you volunteer for."
        ),
    )
    email = forms.EmailField(
        required=False,
        label=_("email"),
        help_text=_(
            "For the notifications you choose to receive by email, and to reset a forgotten password. "
            "Without an email, a forgotten password cannot be reset."
        ),
    )
    preferred_language = forms.ChoiceField(
        choices=Language.choices,
        label=_("language of notifications and emails"),
    )


@login_required
def profile_page(request):
    """The citizen's own name and contact settings, reached from My page."""
    user = request.user
    initial = {field: getattr(user, field) for field in ProfileForm.base_fields}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user_update_profile(user=user, **form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form})


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The log-in page again, saying why the log-in was refused (django-axes calls this for any
    log-in form of the site once the client is locked out)."""
    form = LoginForm(request, initial={"username": (credentials or {}).get("username", "")})
    return render(
        request,
        "registration/login.html",
        {"form": form, "next": request.POST.get("next", ""), "lockout_message": lockout_message()},
        status=429,
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        # The browser's date picker sends ISO dates whatever the page's language.
        super().__init__(format="%Y-%m-%d")


class AuditLogFilterForm(forms.Form):
    actor = forms.ModelChoiceField(
        queryset=audit_actors(), required=False, label=_("Who"), empty_label=_("All staff")
    )
    action = forms.ChoiceField(
        choices=[("", _("All actions")), *AuditAction.choices], required=False, label=_("What")
    )
    since = forms.DateField(required=False, label=_("From"), widget=DateInput())
    until = forms.DateField(required=False, label=_("Until"), widget=DateInput())

    def clean(self) -> dict:
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return cleaned


AUDIT_ENTRIES_PER_PAGE = 25


@require_safe
@city_staff_required
def audit_log_page(request):
    """The staff audit log, newest first, narrowed by who, what and when."""
    form = AuditLogFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        entries = audit_entry_list().none()
    else:
        criteria = form.cleaned_data if form.is_bound else {}
        entries = audit_entry_list(**{k: v or None for k, v in criteria.items()})
    page = Paginator(entries, AUDIT_ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    names = AuditNames(page)
    rows = [
        {
            "entry": entry,
            "kind": audit_target_kind(entry),
            "url": audit_target_url(entry),
            "changes": audit_changes(entry, names),
        }
        for entry in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/audit_log.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "filtered": filters_applied(request),
        },
    )


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm


class PasswordResetView(auth_views.PasswordResetView):
    """Mails a link to set a new password to the accounts with the address typed in; the page
    after it says the same whether or not an account has that address."""

    form_class = PasswordResetForm
    email_template_name = EMAIL_TEMPLATE
    subject_template_name = SUBJECT_TEMPLATE

    def form_valid(self, form):
        refusal = _password_reset_refusal(self.request, email=form.cleaned_data["email"])
        if refusal is not None:
            form.add_error(None, refusal)
            return self.form_invalid(form)
        # Links point at the public address, not at whatever Host the request came with.
        self.extra_email_context = {"site_url": settings.SITE_URL.rstrip("/")}
        return super().form_valid(form)


def _password_reset_refusal(request: HttpRequest, *, email: str) -> str | None:
    """Why no reset mail may go out for this request, or None (and it is counted). Every email
    address typed in is counted, with an account or without, so a refusal says nothing of which
    addresses have one: the answer is the same for both."""
    from core.throttling import client_address

    if not _counted_within(f"password-reset:{client_address(request)}", PASSWORD_RESETS_PER_ADDRESS_PER_HOUR):
        return _("Too many password reset requests from here. Try again in an hour.")
    # As the form finds accounts (case-insensitively); hashed, so the cache holds no address.
    digest = hashlib.sha256(email.strip().casefold().encode()).hexdigest()
    if not _counted_within(f"password-reset-email:{digest}", PASSWORD_RESETS_PER_EMAIL_PER_HOUR):
        return _("Too many password reset requests for this email address. Try again in an hour.")
    return None


def _counted_within(key: str, per_hour: int) -> bool:
    from django.core.cache import cache

    from core.throttling import CACHE_UNAVAILABLE

    try:
        cache.add(key, 0, timeout=3600)
        return cache.incr(key) <= per_hour
    except (*CACHE_UNAVAILABLE, ValueError):
        # Like the API's throttles, a cache outage must not lock people out of their accounts.
        return True


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever knew the old password may hold an API token; a new password must end that.
        user_tokens_revoke(user=form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        user_tokens_revoke(user=form.user)
        return response

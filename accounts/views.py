from django import forms
from django.contrib.auth import login
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from core.forms import SingleLineField, add_service_errors

from .decorators import city_staff_required
from .lockout import lockout_message
from .selectors import audit_entry_list
from .services import user_sign_up


class SignUpForm(forms.Form):
    username = forms.RegexField(r"^[\w.@+-]+$", max_length=150, label=_("username"))
    email = forms.EmailField(required=False, label=_("email"))
    display_name = SingleLineField(required=False, max_length=60, label=_("display name"))
    password = forms.CharField(widget=forms.PasswordInput, max_length=128, label=_("password"))


def signup(request):
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_sign_up(**form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_errors(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("home")
    return render(request, "registration/signup.html", {"form": form})


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The log-in page again, saying why the log-in was refused (django-axes calls this for any
    log-in form of the site once the client is locked out)."""
    form = AuthenticationForm(request, initial={"username": (credentials or {}).get("username", "")})
    return render(
        request,
        "registration/login.html",
        {"form": form, "next": request.POST.get("next", ""), "lockout_message": lockout_message()},
        status=429,
    )


@city_staff_required
def audit_log_page(request):
    return render(
        request,
        "accounts/audit_log.html",
        {"page": Paginator(audit_entry_list(), 50).get_page(request.GET.get("page"))},
    )

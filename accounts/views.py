from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from core.forms import add_service_errors

from .services import user_sign_up


class SignUpForm(forms.Form):
    username = forms.RegexField(r"^[\w.@+-]+$", max_length=150, label=_("username"))
    email = forms.EmailField(required=False, label=_("email"))
    display_name = forms.CharField(required=False, max_length=60, label=_("display name"))
    password = forms.CharField(widget=forms.PasswordInput, max_length=128, label=_("password"))


def signup(request):
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_sign_up(**form.cleaned_data)
        except ApplicationError as error:
            add_service_errors(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("home")
    return render(request, "registration/signup.html", {"form": form})


@login_required
def my_page(request):
    """A citizen's own things: ideas, supports, notifications, pilots and consents."""
    from ideas.selectors import idea_list
    from matching.models import PilotVolunteer

    from .models import NotificationKind
    from .notifications import notification_mark_read, preferences_for, preferences_update

    if request.method == "POST":
        if request.POST.get("action") == "preferences":
            preferences_update(
                user=request.user,
                changes=[
                    {
                        "kind": kind,
                        "in_app": f"{kind}-in_app" in request.POST,
                        "email": f"{kind}-email" in request.POST,
                    }
                    for kind in NotificationKind.values
                ],
            )
            messages.success(request, gettext("Your notification settings were saved."))
        else:
            notification_mark_read(user=request.user)
            messages.success(request, gettext("All notifications were marked as read."))
        return redirect("my-page")
    ideas = idea_list(user=request.user)
    return render(
        request,
        "registration/me.html",
        {
            "my_ideas": ideas.filter(author=request.user),
            "supported": ideas.filter(supports__user=request.user),
            "notifications": request.user.notifications.all()[:20],
            "preferences": preferences_for(user=request.user),
            "volunteering": PilotVolunteer.objects.filter(user=request.user)
            .select_related("pilot")
            .prefetch_related("consents__data_request"),
        },
    )

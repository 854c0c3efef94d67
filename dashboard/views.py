import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.decorators import city_staff_required
from accounts.notifications import notification_mark_read, preferences_update
from accounts.selectors import notification_list
from core.errors import ApplicationError
from core.forms import add_service_errors

from . import selectors
from . import services as dashboard


def _chart(title: str, rows: list[dict]) -> dict:
    """Horizontal bars drawn by the server: no chart library, nothing from a CDN. Each bar's
    length is its share of the longest."""
    top = max((row["count"] for row in rows), default=0) or 1
    return {"title": title, "rows": [{**row, "percent": round(100 * row["count"] / top)} for row in rows]}


def _month_label(month: str) -> str:
    """A month recorded as "2026-12", as the reader says it: "2026년 12월", "December 2026"."""
    return date_format(datetime.date.fromisoformat(f"{month}-01"), "YEAR_MONTH_FORMAT")


@require_safe
@city_staff_required
def dashboard_page(request):
    figures = dashboard.dashboard_figures()
    months = [
        {"label": _month_label(row["month"]), "count": row["count"]} for row in figures["ideas_by_month"]
    ]
    charts = [
        _chart(_("Ideas by category"), figures["ideas_by_category"]),
        _chart(_("Ideas by district"), figures["ideas_by_district"]),
        _chart(
            _("Ideas by status"),
            [
                *figures["ideas_by_status_not_hidden"],
                {"key": "hidden", "label": _("Hidden by moderators"), "count": figures["ideas_hidden"]},
            ],
        ),
        _chart(_("New ideas by month"), months),
    ]
    if "pilots_by_stage" in figures:
        charts.append(_chart(_("Pilots by stage"), figures["pilots_by_stage"]))
    exports = [(name, label) for name, (label, _export) in dashboard.EXPORTS.items()]
    return render(
        request, "dashboard/dashboard.html", {"figures": figures, "charts": charts, "exports": exports}
    )


@login_required
def my_page(request):
    """A citizen's own things: ideas, supports, notifications, pilots and consents."""
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
                    # Only the settings the page showed: one it left out keeps its value.
                    for kind in selectors.notification_kinds_shown_to(user=request.user)
                ],
            )
            messages.success(request, gettext("Your notification settings were saved."))
        else:
            notification_mark_read(user=request.user)
            messages.success(request, gettext("All notifications were marked as read."))
        return redirect("my-page")
    return render(request, "dashboard/my_page.html", selectors.my_page_contents(user=request.user))


ALL_NOTIFICATIONS_PER_PAGE = 50


@login_required
def my_notifications(request):
    """Every notification, newest first, for those past the latest few on My page."""
    if request.method == "POST":
        notification_mark_read(user=request.user)
        messages.success(request, gettext("All notifications were marked as read."))
        return redirect("my-notifications")
    page = Paginator(notification_list(user=request.user), ALL_NOTIFICATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    has_unread = notification_list(user=request.user, unread_only=True).exists()
    return render(request, "dashboard/my_notifications.html", {"page": page, "has_unread": has_unread})


class AccountCloseForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


@login_required
def account_close(request):
    """Closing one's account: the page says what goes and what stays in this person's case,
    and asks for the password; its POST closes the account and signs out."""
    form = AccountCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dashboard.account_close(user=request.user, password=form.cleaned_data["password"])
        except ApplicationError as error:
            add_service_errors(form, error)
        else:
            logout(request)
            messages.success(request, gettext("Your account is closed. Thank you for taking part."))
            return redirect("home")
    return render(
        request,
        "dashboard/account_close.html",
        {"form": form, **selectors.account_closing_summary(user=request.user)},
        status=400 if form.errors else 200,
    )

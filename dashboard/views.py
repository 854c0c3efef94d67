from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from accounts.decorators import city_staff_required
from accounts.notifications import notification_mark_read, preferences_update

from . import selectors
from . import services as dashboard

# Named here so that makemessages finds each label.
BAR_WIDTH = 240
ROW_HEIGHT = 22


def _chart(title: str, rows: list[dict]) -> dict:
    """Horizontal bars drawn as SVG by the server: no chart library, nothing from a CDN."""
    top = max((row["count"] for row in rows), default=0) or 1
    bars = [
        {
            **row,
            "y": n * ROW_HEIGHT,
            "width": round(BAR_WIDTH * row["count"] / top),
            "text_x": 155 + round(BAR_WIDTH * row["count"] / top),
        }
        for n, row in enumerate(rows)
    ]
    return {"title": title, "rows": bars, "height": max(len(rows), 1) * ROW_HEIGHT}


@city_staff_required
def dashboard_page(request):
    figures = dashboard.dashboard_figures()
    months = [{"label": row["month"], "count": row["count"]} for row in figures["ideas_by_month"]]
    charts = [
        _chart(_("Ideas by category"), figures["ideas_by_category"]),
        _chart(_("Ideas by district"), figures["ideas_by_district"]),
        _chart(_("Ideas by status"), figures["ideas_by_status"]),
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

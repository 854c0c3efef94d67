from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import dashboard

BAR_WIDTH = 240
ROW_HEIGHT = 22


def _chart(title: str, rows: list[dict]) -> dict:
    """Horizontal bars drawn as SVG by the server: no chart library, nothing from a CDN."""
    top = max((row["count"] for row in rows), default=0) or 1
    bars = [
        {**row, "y": n * ROW_HEIGHT, "width": round(BAR_WIDTH * row["count"] / top),
         "text_x": 155 + round(BAR_WIDTH * row["count"] / top)}
        for n, row in enumerate(rows)
    ]
    return {"title": title, "rows": bars, "height": max(len(rows), 1) * ROW_HEIGHT}


@staff_member_required
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
    exports = [(name, _(name.capitalize())) for name in dashboard.EXPORTS]
    return render(request, "matching/dashboard.html", {"figures": figures, "charts": charts, "exports": exports})


def pilot_list_page(request):
    from django.core.paginator import Paginator

    from .pilot_selectors import pilot_list

    pilots = pilot_list(user=request.user)
    return render(request, "matching/pilot_list.html", {"page": Paginator(pilots, 12).get_page(request.GET.get("page"))})


def pilot_detail_page(request, pilot_id: int):
    from django.http import Http404

    from .models import Pilot
    from .pilot_selectors import pilot_get

    try:
        pilot = pilot_get(pilot_id=pilot_id, user=request.user)
    except Pilot.DoesNotExist:
        raise Http404 from None
    return render(request, "matching/pilot_detail.html", {"pilot": pilot})

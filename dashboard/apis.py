from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core.permissions import IsCityStaff

from . import services as dashboard


class ReadsDashboard(IsCityStaff):
    message = gettext_lazy("Only city staff can see the dashboard and exports.")


class DashboardApi(APIView):
    """Figures for the staff dashboard."""

    permission_classes = [ReadsDashboard]

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, tags=["dashboard"])
    def get(self, request):
        return Response(dashboard.dashboard_figures())


class ExportApi(APIView):
    """CSV export (UTF-8 with a byte order mark, so Excel shows Korean text): ideas, matches,
    interests or pilots."""

    permission_classes = [ReadsDashboard]

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY}, tags=["dashboard"])
    def get(self, request, name: str):
        if name not in dashboard.EXPORTS:
            raise Http404
        response = HttpResponse(dashboard.export_csv(name), content_type="text/csv; charset=utf-8")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
        return response

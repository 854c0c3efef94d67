from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from core.health import health_report


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """200 when the database and Redis answer and a worker answered recently, else 503."""
    report = health_report()
    healthy = all(state == "ok" for state in report.values())
    return JsonResponse(report, status=200 if healthy else 503)

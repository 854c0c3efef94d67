from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.urls import notification_urlpatterns
from matching.views import dashboard_page

api_v1 = [
    path("auth/", include("accounts.urls")),
    path("", include((notification_urlpatterns, "accounts-notifications"))),
    path("", include("ideas.urls")),
    path("", include("companies.urls")),
    path("", include("matching.urls")),
    path("", include("matching.pilot_urls")),
    path("", include("matching.dashboard_urls")),
]

urlpatterns = [
    path("", RedirectView.as_view(url="/api/v1/ideas/", permanent=False)),
    path("admin/", admin.site.urls),
    path("staff/dashboard/", dashboard_page, name="staff-dashboard"),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    path("api/auth/", include("rest_framework.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
]


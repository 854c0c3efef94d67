from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.urls import notification_urlpatterns
from accounts.views import LoginView
from core.views import health

api_v1 = [
    path("auth/", include("accounts.urls")),
    path("", include((notification_urlpatterns, "accounts-notifications"))),
    path("", include("ideas.urls")),
    path("", include("companies.urls")),
    path("", include("matching.urls")),
    path("", include("pilots.urls")),
    path("", include("donations.urls")),
    path("", include("dashboard.urls")),
]

urlpatterns = [
    path("", include("ideas.page_urls")),
    path("", include("companies.page_urls")),
    path("", include("matching.page_urls")),
    path("", include("pilots.page_urls")),
    path("", include("donations.page_urls")),
    path("", include("dashboard.page_urls")),
    path("", include("accounts.page_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    # The browsable API's log-in page, with the site's log-in form rather than Django's own.
    path("api/auth/login/", LoginView.as_view(template_name="rest_framework/login.html")),
    path("api/auth/", include("rest_framework.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file of its own, not inline.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("health/", health, name="health"),
]

handler404 = "core.exception_handler.page_not_found"

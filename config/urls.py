from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.urls import notification_urlpatterns
from accounts.views import my_page, signup
from matching.views import (
    company_matches_page,
    dashboard_page,
    pilot_create_page,
    pilot_detail_page,
    pilot_list_page,
    pilot_manage,
    pilot_participation,
)

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
    path("", include("ideas.page_urls")),
    path("", include("companies.page_urls")),
    path("companies/<slug:slug>/matches/", company_matches_page, name="company-matches-page"),
    path("pilots/", pilot_list_page, name="pilot-list"),
    path("pilots/<int:pilot_id>/", pilot_detail_page, name="pilot-detail"),
    path("pilots/<int:pilot_id>/participation/", pilot_participation, name="pilot-participation"),
    path("pilots/<int:pilot_id>/manage/", pilot_manage, name="pilot-manage"),
    path("staff/ideas/<int:idea_id>/pilot/", pilot_create_page, name="pilot-create-page"),
    path("accounts/signup/", signup, name="signup"),
    path("me/", my_page, name="my-page"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("staff/dashboard/", dashboard_page, name="staff-dashboard"),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    path("api/auth/", include("rest_framework.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
]

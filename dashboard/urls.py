from django.urls import path

from . import apis as dashboard_apis

app_name = "dashboard"

urlpatterns = [
    path("dashboard/", dashboard_apis.DashboardApi.as_view(), name="dashboard"),
    path("me/close/", dashboard_apis.AccountCloseApi.as_view(), name="account-close"),
    path("me/data/", dashboard_apis.MyDataApi.as_view(), name="my-data"),
    path("exports/<slug:name>.csv", dashboard_apis.ExportApi.as_view(), name="export"),
]

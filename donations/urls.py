from django.urls import path

from . import apis

app_name = "donations"

urlpatterns = [
    path(
        "pilots/<int:pilot_id>/data-requests/",
        apis.PilotDataRequestsApi.as_view(),
        name="data-requests",
    ),
    path(
        "pilots/<int:pilot_id>/data-requests/<int:request_id>/consent/",
        apis.PilotConsentApi.as_view(),
        name="consent",
    ),
    path("pilots/<int:pilot_id>/volunteer/", apis.PilotVolunteerApi.as_view(), name="volunteer"),
]

# A donor's own data.
urlpatterns += [
    path("me/donations/<int:pilot_id>/receipt/", apis.MyConsentReceiptApi.as_view(), name="consent-receipt"),
]

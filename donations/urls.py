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
    # Staff: data requests and stations
    path(
        "pilots/<int:pilot_id>/data-requests/<int:request_id>/",
        apis.PilotDataRequestDetailApi.as_view(),
        name="data-request-detail",
    ),
    path("pilots/<int:pilot_id>/stations/", apis.PilotStationsApi.as_view(), name="stations"),
    path(
        "pilots/<int:pilot_id>/stations/<int:station_id>/revoke/",
        apis.PilotStationRevokeApi.as_view(),
        name="station-revoke",
    ),
]

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
    path("pilots/<int:pilot_id>/donations/", apis.PilotDonationsApi.as_view(), name="pilot-donations"),
    path(
        "pilots/<int:pilot_id>/donations/readings/",
        apis.DonatedReadingsApi.as_view(),
        name="donated-readings",
    ),
    path(
        "pilots/<int:pilot_id>/donations/results/",
        apis.DonationResultsApi.as_view(),
        name="donation-results",
    ),
]

# A donor's own data.
urlpatterns += [
    path("me/donations/<int:pilot_id>/receipt/", apis.MyConsentReceiptApi.as_view(), name="consent-receipt"),
]

# The station API: called with `Authorization: Station <key>`, never with a person's token.
urlpatterns += [
    path("station/", apis.StationApi.as_view(), name="station"),
    path("station/visits/", apis.StationVisitsApi.as_view(), name="station-visits"),
    path("station/visits/<int:visit_id>/", apis.StationVisitDetailApi.as_view(), name="station-visit"),
    path(
        "station/visits/<int:visit_id>/readings/",
        apis.StationVisitReadingsApi.as_view(),
        name="station-visit-readings",
    ),
    path(
        "station/visits/<int:visit_id>/close/",
        apis.StationVisitCloseApi.as_view(),
        name="station-visit-close",
    ),
]

# Staff: data requests and stations.
urlpatterns += [
    path(
        "pilots/<int:pilot_id>/data-requests/<int:request_id>/",
        apis.PilotDataRequestDetailApi.as_view(),
        name="data-request-detail",
    ),
    path("pilots/<int:pilot_id>/stations/", apis.PilotStationsApi.as_view(), name="stations"),
    path(
        "pilots/<int:pilot_id>/stations/<int:station_id>/",
        apis.PilotStationDetailApi.as_view(),
        name="station-detail",
    ),
    path(
        "pilots/<int:pilot_id>/stations/<int:station_id>/revoke/",
        apis.PilotStationRevokeApi.as_view(),
        name="station-revoke",
    ),
]

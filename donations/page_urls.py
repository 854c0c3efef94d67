from django.urls import path

from . import views

urlpatterns = [
    path("pilots/<int:pilot_id>/participation/", views.pilot_participation, name="pilot-participation"),
    # Staff: data requests and stations
    path("pilots/<int:pilot_id>/data-requests/new/", views.data_request_add_page, name="data-request-add"),
    path(
        "pilots/<int:pilot_id>/data-requests/<int:request_id>/change/",
        views.data_request_change_page,
        name="data-request-change",
    ),
    path("pilots/<int:pilot_id>/stations/", views.pilot_stations_page, name="pilot-stations"),
]

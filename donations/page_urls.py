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

# A donor's own data, and giving it at a station.
urlpatterns += [
    path("me/donations/", views.my_donations_page, name="my-donations"),
    path("me/donations/<int:pilot_id>/withdraw/", views.my_donations_withdraw, name="my-donations-withdraw"),
    path("me/donations/<int:pilot_id>/identity/", views.my_identity_sharing, name="my-identity-sharing"),
    path(
        "me/donations/<int:pilot_id>/<int:request_id>/upload/",
        views.my_donation_upload,
        name="my-donation-upload",
    ),
    path(
        "me/donations/<int:pilot_id>/<int:request_id>/upload/confirm/",
        views.my_donation_upload_confirm,
        name="my-donation-upload-confirm",
    ),
    path("me/donations/<int:pilot_id>/receipt/", views.my_consent_receipt_page, name="my-consent-receipt"),
    path("me/donations/code/<int:pilot_id>/", views.donor_code_page, name="donor-code"),
    path("kiosk/", views.kiosk_page, name="kiosk"),
]

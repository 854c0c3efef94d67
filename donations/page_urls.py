from django.urls import path

from . import views

urlpatterns = [
    path("pilots/<int:pilot_id>/participation/", views.pilot_participation, name="pilot-participation"),
]

urlpatterns += [
    path("me/donations/code/<int:pilot_id>/", views.donor_code_page, name="donor-code"),
    path("kiosk/", views.kiosk_page, name="kiosk"),
]

from django.urls import path

from . import views

urlpatterns = [
    path("pilots/<int:pilot_id>/participation/", views.pilot_participation, name="pilot-participation"),
]

from django.urls import path

from . import views

urlpatterns = [
    path("me/", views.my_page, name="my-page"),
    path("staff/dashboard/", views.dashboard_page, name="staff-dashboard"),
]

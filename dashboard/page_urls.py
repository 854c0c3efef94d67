from django.urls import path

from . import views

urlpatterns = [
    path("me/", views.my_page, name="my-page"),
    path("me/close/", views.account_close, name="account-close"),
    path("me/notifications/", views.my_notifications, name="my-notifications"),
    path("staff/dashboard/", views.dashboard_page, name="staff-dashboard"),
]

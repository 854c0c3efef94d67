from django.urls import path

from . import views

urlpatterns = [
    path("pilots/", views.pilot_list_page, name="pilot-list"),
    path("pilots/<int:pilot_id>/", views.pilot_detail_page, name="pilot-detail"),
    path("pilots/<int:pilot_id>/follow/", views.pilot_follow_page, name="pilot-follow"),
    path("pilots/<int:pilot_id>/manage/", views.pilot_manage, name="pilot-manage"),
    path("staff/ideas/<int:idea_id>/pilot/", views.pilot_create_page, name="pilot-create-page"),
]

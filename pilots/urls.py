from django.urls import path

from . import apis

app_name = "pilots"

urlpatterns = [
    path("pilots/", apis.PilotListCreateApi.as_view(), name="pilot-list"),
    path("pilots/<int:pilot_id>/", apis.PilotDetailApi.as_view(), name="pilot-detail"),
    path("pilots/<int:pilot_id>/stage/", apis.PilotStageApi.as_view(), name="pilot-stage"),
    path("pilots/<int:pilot_id>/milestones/", apis.PilotMilestonesApi.as_view(), name="pilot-milestones"),
    path(
        "pilots/<int:pilot_id>/milestones/<int:milestone_id>/",
        apis.PilotMilestoneDetailApi.as_view(),
        name="pilot-milestone-detail",
    ),
    path("pilots/<int:pilot_id>/updates/", apis.PilotUpdatesApi.as_view(), name="pilot-updates"),
    path("pilots/<int:pilot_id>/follow/", apis.PilotFollowApi.as_view(), name="pilot-follow"),
    path("pilots/<int:pilot_id>/volunteers/", apis.PilotVolunteersApi.as_view(), name="pilot-volunteers"),
]

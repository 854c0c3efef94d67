from django.urls import path

from . import apis

app_name = "ideas"

urlpatterns = [
    path("ideas/", apis.IdeaListCreateApi.as_view(), name="idea-list"),
    path("ideas/<int:idea_id>/", apis.IdeaDetailApi.as_view(), name="idea-detail"),
    path("ideas/<int:idea_id>/submit/", apis.IdeaSubmitApi.as_view(), name="idea-submit"),
    path("ideas/<int:idea_id>/publish/", apis.IdeaPublishApi.as_view(), name="idea-publish"),
    path("ideas/<int:idea_id>/reject/", apis.IdeaRejectApi.as_view(), name="idea-reject"),
    path("ideas/<int:idea_id>/support/", apis.IdeaSupportApi.as_view(), name="idea-support"),
    path("ideas/<int:idea_id>/follow/", apis.IdeaFollowApi.as_view(), name="idea-follow"),
    path("ideas/<int:idea_id>/comments/", apis.IdeaCommentsApi.as_view(), name="idea-comments"),
    path("comments/<int:comment_id>/", apis.CommentDetailApi.as_view(), name="comment-detail"),
    path("reports/", apis.ReportCreateApi.as_view(), name="report-create"),
]

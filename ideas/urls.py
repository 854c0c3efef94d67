from django.urls import path

from core.page_cache import cache_public_page

from . import apis, moderation_apis

app_name = "ideas"

urlpatterns = [
    path("ideas/", cache_public_page(apis.IdeaListCreateApi.as_view()), name="idea-list"),
    path("ideas/<int:idea_id>/", cache_public_page(apis.IdeaDetailApi.as_view()), name="idea-detail"),
    path("ideas/<int:idea_id>/submit/", apis.IdeaSubmitApi.as_view(), name="idea-submit"),
    path("ideas/<int:idea_id>/publish/", apis.IdeaPublishApi.as_view(), name="idea-publish"),
    path("ideas/<int:idea_id>/reject/", apis.IdeaRejectApi.as_view(), name="idea-reject"),
    path("ideas/<int:idea_id>/support/", apis.IdeaSupportApi.as_view(), name="idea-support"),
    path("ideas/<int:idea_id>/follow/", apis.IdeaFollowApi.as_view(), name="idea-follow"),
    path("ideas/<int:idea_id>/comments/", apis.IdeaCommentsApi.as_view(), name="idea-comments"),
    path("comments/<int:comment_id>/", apis.CommentDetailApi.as_view(), name="comment-detail"),
    path("ideas/<int:idea_id>/review/", apis.IdeaReviewRequestApi.as_view(), name="idea-review-request"),
    path("reports/", apis.ReportCreateApi.as_view(), name="report-create"),
    path("moderation/ideas/", moderation_apis.ModerationQueueApi.as_view(), name="moderation-queue"),
    path("moderation/reports/", moderation_apis.ReportQueueApi.as_view(), name="moderation-reports"),
    path(
        "reports/<int:report_id>/dismiss/", moderation_apis.ReportDismissApi.as_view(), name="report-dismiss"
    ),
    path(
        "ideas/<int:idea_id>/request-revision/",
        moderation_apis.IdeaRequestRevisionApi.as_view(),
        name="idea-request-revision",
    ),
    path("ideas/<int:idea_id>/hidden/", moderation_apis.IdeaVisibilityApi.as_view(), name="idea-hidden"),
    path(
        "comments/<int:comment_id>/hidden/",
        moderation_apis.CommentVisibilityApi.as_view(),
        name="comment-hidden",
    ),
    path("ideas/<int:idea_id>/merge/", moderation_apis.IdeaMergeApi.as_view(), name="idea-merge"),
    path("ideas/<int:idea_id>/unmerge/", moderation_apis.IdeaUnmergeApi.as_view(), name="idea-unmerge"),
]

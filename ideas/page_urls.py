from django.urls import path

from core.page_cache import cache_public_page

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("ideas/", cache_public_page(views.idea_list), name="idea-list"),
    path("ideas/new/", views.idea_submit, name="idea-submit"),
    path("ideas/<int:idea_id>/", cache_public_page(views.idea_detail), name="idea-detail"),
    path("ideas/<int:idea_id>/edit/", views.idea_edit, name="idea-edit"),
    path("ideas/<int:idea_id>/delete/", views.idea_delete, name="idea-delete"),
    path("ideas/<int:idea_id>/report/", views.report_idea, name="idea-report"),
    path("ideas/<int:idea_id>/review/", views.idea_review_request, name="idea-review-request"),
    path("comments/<int:comment_id>/edit/", views.comment_edit, name="comment-edit"),
    path("comments/<int:comment_id>/delete/", views.comment_delete, name="comment-delete"),
    path("comments/<int:comment_id>/report/", views.report_comment, name="comment-report"),
    path("ideas/<int:idea_id>/support/", views.idea_support, name="idea-support-page"),
    path("ideas/<int:idea_id>/follow/", views.idea_follow, name="idea-follow-page"),
    path("ideas/<int:idea_id>/comment/", views.idea_comment, name="idea-comment-page"),
    path("staff/moderation/", views.moderation_page, name="moderation-page"),
    path("staff/ideas/<int:idea_id>/merge/", views.idea_merge_page, name="idea-merge-page"),
    path("staff/ideas/<int:idea_id>/unmerge/", views.idea_unmerge_page, name="idea-unmerge-page"),
    path("staff/reports/<int:report_id>/", views.report_decide, name="report-decide"),
]

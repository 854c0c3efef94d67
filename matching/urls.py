from django.urls import path

from . import apis

app_name = "matching"

urlpatterns = [
    path("ideas/similar/", apis.SimilarIdeasApi.as_view(), name="ideas-similar"),
    path("ideas/<int:idea_id>/matches/", apis.IdeaMatchesApi.as_view(), name="idea-matches"),
    path("ideas/<int:idea_id>/duplicates/", apis.IdeaDuplicatesApi.as_view(), name="idea-duplicates"),
    path("companies/<slug:slug>/matches/", apis.CompanyMatchesApi.as_view(), name="company-matches"),
    path("ideas/<int:idea_id>/interests/", apis.IdeaInterestsApi.as_view(), name="idea-interests"),
    path("matches/<int:match_id>/feedback/", apis.MatchFeedbackApi.as_view(), name="match-feedback"),
]

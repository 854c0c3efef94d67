from django.urls import path

from . import views

urlpatterns = [
    path("companies/<slug:slug>/matches/", views.company_matches_page, name="company-matches-page"),
]

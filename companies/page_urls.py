from django.urls import path

from . import views

urlpatterns = [
    path("companies/", views.company_list, name="company-list"),
    # Before the company pages: "new" is no company's address (services.RESERVED_SLUGS).
    path("companies/new/", views.company_register, name="company-register"),
    path("companies/<slug:slug>/", views.company_detail, name="company-detail"),
    path("companies/<slug:slug>/edit/", views.company_edit, name="company-edit"),
    path("companies/<slug:slug>/members/", views.company_members, name="company-members"),
    path("companies/<slug:slug>/invitation/", views.company_invitation_answer, name="company-invitation"),
    path("companies/<slug:slug>/verify/", views.company_verify, name="company-verify"),
]

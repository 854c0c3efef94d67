from django.urls import path

from . import apis

app_name = "companies"

urlpatterns = [
    path("companies/", apis.CompanyListCreateApi.as_view(), name="company-list"),
    path("companies/<slug:slug>/", apis.CompanyDetailApi.as_view(), name="company-detail"),
    path("companies/<slug:slug>/verify/", apis.CompanyVerifyApi.as_view(), name="company-verify"),
    path("companies/<slug:slug>/references/", apis.ReferenceListCreateApi.as_view(), name="reference-list"),
    path(
        "companies/<slug:slug>/references/<int:reference_id>/",
        apis.ReferenceDetailApi.as_view(),
        name="reference-detail",
    ),
    path("companies/<slug:slug>/members/", apis.MemberListCreateApi.as_view(), name="member-list"),
    path(
        "companies/<slug:slug>/members/<int:membership_id>/",
        apis.MemberDetailApi.as_view(),
        name="member-detail",
    ),
    path("companies/<slug:slug>/invitations/", apis.InvitationListApi.as_view(), name="invitation-list"),
    path(
        "companies/<slug:slug>/invitations/<int:invitation_id>/",
        apis.InvitationDetailApi.as_view(),
        name="invitation-detail",
    ),
    path("invitations/", apis.MyInvitationListApi.as_view(), name="my-invitation-list"),
    path(
        "invitations/<int:invitation_id>/accept/",
        apis.MyInvitationAcceptApi.as_view(),
        name="my-invitation-accept",
    ),
    path(
        "invitations/<int:invitation_id>/decline/",
        apis.MyInvitationDeclineApi.as_view(),
        name="my-invitation-decline",
    ),
]

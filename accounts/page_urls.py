from django.urls import path

from . import views

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("me/profile/", views.profile_page, name="profile"),
    # The same addresses and names as django.contrib.auth's, which config/urls.py includes after
    # these, so the site's own versions answer.
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/password_change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("staff/audit/", views.audit_log_page, name="audit-log-page"),
]

from django.urls import path

from . import apis

app_name = "accounts"

urlpatterns = [
    path("csrf/", apis.CsrfTokenApi.as_view(), name="csrf"),
    path("signup/", apis.SignUpApi.as_view(), name="signup"),
    path("login/", apis.LoginApi.as_view(), name="login"),
    path("logout/", apis.LogoutApi.as_view(), name="logout"),
    path("token/", apis.TokenApi.as_view(), name="token"),
    path("me/", apis.MeApi.as_view(), name="me"),
    path("password/", apis.PasswordChangeApi.as_view(), name="password-change"),
]

notification_urlpatterns = [
    path("notifications/", apis.NotificationListApi.as_view(), name="notification-list"),
    path("notifications/read/", apis.NotificationReadApi.as_view(), name="notification-read"),
    path(
        "notifications/preferences/",
        apis.NotificationPreferencesApi.as_view(),
        name="notification-preferences",
    ),
    path("audit/", apis.AuditLogApi.as_view(), name="audit-log"),
]

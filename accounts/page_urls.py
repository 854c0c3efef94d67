from django.urls import path

from . import views

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("staff/audit/", views.audit_log_page, name="audit-log-page"),
]

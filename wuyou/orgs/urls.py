from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_audit

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/export.xlsx", views.enterprise_export, name="enterprise_export"),
    path("audit/", views_audit.audit_log, name="audit_log"),
    path("audit/export.xlsx", views_audit.audit_export, name="audit_export"),
    path("enterprises/template.xlsx", views.enterprise_template, name="enterprise_template"),
]

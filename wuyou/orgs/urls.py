from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_account, views_audit, views_registration

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views_account.LoginView.as_view(), name="login"),
    path("login/code/", views_account.login_code, name="login_code"),
    path("login/enroll/", views_account.login_enroll, name="login_enroll"),
    path("account/two-factor/", views_account.two_factor, name="two_factor"),
    path("account/password/", views_account.password_change, name="password_change"),
    path("account/verify/", views_account.verify_identity, name="verify_identity"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/export.xlsx", views.enterprise_export, name="enterprise_export"),
    path("audit/", views_audit.audit_log, name="audit_log"),
    path("audit/export.xlsx", views_audit.audit_export, name="audit_export"),
    path("enterprises/template.xlsx", views.enterprise_template, name="enterprise_template"),
    # Enterprise self-service accounts (issue 10).
    path("register/", views_registration.register, name="register"),
    path("register/verify/", views_registration.register_verify, name="register_verify"),
    path("account/reset/", views_registration.sms_reset, name="sms_reset"),
    path("account/reset/verify/", views_registration.sms_reset_verify, name="sms_reset_verify"),
    path("enterprise/users/", views_registration.enterprise_users, name="enterprise_users"),
    path("enterprises/registrations/", views_registration.registrations, name="enterprise_registrations"),
]

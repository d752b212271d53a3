from django.urls import path

from . import views_center, views_dept, views_public

urlpatterns = [
    path("", views_public.index, name="nl_index"),
    path("items/<str:code>/", views_public.item_detail, name="nl_item"),
    path("report/", views_public.report_new, name="nl_report_new"),
    path("track/", views_public.track, name="nl_track"),
    path("stats/", views_public.public_stats, name="nl_public_stats"),
    path("versions/<int:pk>/export.xlsx", views_center.version_export, name="nl_version_export"),
    path("mine/", views_dept.my_reports, name="nl_my_reports"),
    path("mine/<int:pk>/", views_dept.my_report, name="nl_my_report"),
    path("requests/", views_dept.dept_requests, name="nl_dept_requests"),
    path("center/", views_center.report_list, name="nl_center_list"),
    path("center/<int:pk>/", views_center.report_detail, name="nl_center_detail"),
    path("center/<int:pk>/identity/", views_center.reveal_identity, name="nl_reveal_identity"),
    path("center/<int:pk>/act/<str:action>/", views_center.report_act, name="nl_center_act"),
    path("center/evidence/<int:pk>/", views_center.evidence_download, name="nl_evidence"),
    path("center/stats/", views_center.center_stats, name="nl_center_stats"),
    path("center/alerts/", views_center.alerts, name="nl_alerts"),
    path("center/versions/", views_center.versions, name="nl_versions"),
    path("center/versions/template.xlsx", views_center.version_template, name="nl_version_template"),
]

from django.urls import path

from . import views, views_admin

urlpatterns = [
    path("appeals/new/", views.appeal_new, name="appeal_new"),
    path("appeals/mine/", views.my_appeals, name="my_appeals"),
    path("appeals/<int:pk>/", views.appeal_detail, name="appeal_detail"),
    path("appeals/<int:pk>/act/<str:action>/", views.appeal_act, name="appeal_act"),
    path(
        "appeals/<int:pk>/files/<int:attachment_id>/", views.attachment_download, name="attachment_download"
    ),
    path("appeals/", views.appeal_search, name="appeal_search"),
    path("center/queue/", views.center_queue, name="center_queue"),
    path("center/board/", views.center_board, name="center_board"),
    path("center/supervision/", views.center_supervision, name="center_supervision"),
    path("center/extensions/", views.center_extensions, name="center_extensions"),
    path("center/settings/", views_admin.settings_page, name="appeal_settings"),
    path("dept/inbox/", views.dept_inbox, name="dept_inbox"),
    path("team/", views.team_queue, name="team_queue"),
    path("ranking/", views_admin.ranking, name="ranking"),
]

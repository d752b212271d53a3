from django.urls import path

from . import views, views_admin, views_extensions, views_search, views_supply

urlpatterns = [
    path("appeals/new/", views.appeal_new, name="appeal_new"),
    path("appeals/mine/", views.my_appeals, name="my_appeals"),
    path("appeals/<int:pk>/", views.appeal_detail, name="appeal_detail"),
    path("appeals/<int:pk>/act/<str:action>/", views.appeal_act, name="appeal_act"),
    path(
        "appeals/<int:pk>/files/<int:attachment_id>/", views.attachment_download, name="attachment_download"
    ),
    # issue 10, item 4: search for the center, oversight and departments (their whole history); saved views
    path("appeals/", views_search.appeal_search, name="appeal_search"),
    path("appeals/views/save/", views_search.appeal_view_save, name="appeal_view_save"),
    path("appeals/views/<int:pk>/delete/", views_search.appeal_view_delete, name="appeal_view_delete"),
    # issue 10: material for a pause and replies with files, withdraw with a reason, internal notes, 常用语
    path("appeals/<int:pk>/files-act/<str:action>/", views_supply.appeal_act_files, name="appeal_act_files"),
    path("appeals/<int:pk>/withdraw/", views_supply.appeal_withdraw, name="appeal_withdraw"),
    path("appeals/<int:pk>/notes/", views_supply.appeal_note_add, name="appeal_note_add"),
    path("dept/reply-templates/", views_supply.reply_templates, name="reply_templates"),
    path("center/queue/", views.center_queue, name="center_queue"),
    path("center/board/", views.center_board, name="center_board"),
    path("center/supervision/", views.center_supervision, name="center_supervision"),
    path("center/extensions/", views_extensions.center_extensions, name="center_extensions"),
    path(
        "center/extensions/<int:pk>/decide/",
        views_extensions.center_extension_decide,
        name="center_extension_decide",
    ),
    path("center/settings/", views_admin.settings_page, name="appeal_settings"),
    path("dept/inbox/", views.dept_inbox, name="dept_inbox"),
    path("team/", views.team_queue, name="team_queue"),
    path("ranking/", views_admin.ranking, name="ranking"),
]

# issue 10, items 7-8: "导出 Excel" of every list (its page's roles and filters), print pages and PDFs.
from . import views_export, views_print  # noqa: E402

urlpatterns += [
    path("center/queue/export.xlsx", views_export.center_queue_export, name="center_queue_export"),
    path("center/board/export.xlsx", views_export.center_board_export, name="center_board_export"),
    path(
        "center/supervision/export.xlsx",
        views_export.center_supervision_export,
        name="center_supervision_export",
    ),
    path("dept/inbox/export.xlsx", views_export.dept_inbox_export, name="dept_inbox_export"),
    path("team/export.xlsx", views_export.team_queue_export, name="team_queue_export"),
    path("appeals/export.xlsx", views_export.appeal_search_export, name="appeal_search_export"),
    path("ranking/export.xlsx", views_export.ranking_export, name="ranking_export"),
    path("appeals/<int:pk>/print/<str:kind>/", views_print.appeal_print, name="appeal_print"),
    path("appeals/<int:pk>/print/<str:kind>.pdf", views_print.appeal_print_pdf, name="appeal_print_pdf"),
]

# issue 10, item 3 (the desk): bulk actions over a list's checked rows, each appeal through the kernel.
from . import views_desk  # noqa: E402

urlpatterns += [
    path("dept/inbox/bulk-sign/", views_desk.dept_bulk_sign, name="dept_bulk_sign"),
    path("center/queue/bulk-dispatch/", views_desk.center_bulk_dispatch, name="center_bulk_dispatch"),
]

# issue 10, item 11: 「我也遇到」 — follow an appeal of one's own enterprise instead of filing it again.
from . import views_follow  # noqa: E402

urlpatterns += [
    path("appeals/<int:pk>/follow/", views_follow.appeal_follow, name="appeal_follow"),
    path("appeals/<int:pk>/unfollow/", views_follow.appeal_unfollow, name="appeal_unfollow"),
]

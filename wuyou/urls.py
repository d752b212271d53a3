from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from wuyou.api import api
from wuyou.core import views as core_views
from wuyou.orgs.views_account import admin_login

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The admin's own login form knows no second factor, lockout page or audit event: everyone signs in
    # through ours (next= kept), then the admin sees the session.
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("open311/v2/", include("wuyou.open311.urls")),
    path("calendar/", include("wuyou.workdays.urls")),
    path("dispatch/", include("wuyou.dispatch.urls")),
    path("negative-list/", include("wuyou.negative_list.urls")),
    path("", include("wuyou.orgs.urls")),
    path("", include("wuyou.appeals.urls")),
    path("", include("wuyou.notifications.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

"""The search page (issue 10, item 4): filters, sort and full text over every appeal the user sees, for the
center, the oversight roles and the departments (their whole history: whatever they lead or co-handle,
of any age); and each user's saved views. Thin: parameters in appeals.finding, the query in selectors."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuyou.core.paging import MAX_ID, CappedPaginator, page_number
from wuyou.orgs import access
from wuyou.orgs.access import role_required
from wuyou.orgs.models import Department, District

from . import finding as finding_mod
from . import selectors
from .escalation import LEVEL_LABEL
from .models import Appeal, Category, Channel, SavedView, Status

SEARCHERS = (access.READ_ALL, access.DEPT)
PER_PAGE = 30
# Rows counted at most: the pager says "10000+" beyond (a count over a million rows costs the page).
COUNT_CAP = 10_000


@role_required(*SEARCHERS)
def appeal_search(request):
    found = finding_mod.parse(request.GET)
    if found.valid:
        qs = selectors.search(request.user, **found.filters)
    else:
        qs = Appeal.objects.none()
    page = CappedPaginator(qs, PER_PAGE, cap=COUNT_CAP).get_page(page_number(request.GET.get("page")))
    context = {
        "found": found,
        "form": found.form,
        "g": found.form.data,
        "page": page,
        "qs_prefix": f"{found.query}&" if found.query else "",
        "sorts": finding_mod.sort_links(found),
        "statuses": Status.choices,
        "categories": Category.choices,
        "channels": Channel.choices,
        "levels": [("0", _("未督办"))] + [(str(k), v) for k, v in LEVEL_LABEL.items()],
        "districts": District.objects.filter(enterprise__isnull=False).distinct().order_by("code"),
        "departments": Department.objects.order_by("code"),
        "saved_views": SavedView.objects.filter(user=request.user),
        "now": timezone.now(),
    }
    return render(request, "appeals/search.html", context, status=200 if found.valid else 400)


@require_POST
@role_required(*SEARCHERS)
def appeal_view_save(request):
    name = " ".join(request.POST.get("name", "").split())
    found = finding_mod.parse(QueryDict(request.POST.get("query", "")[:2000]))
    back = reverse("appeal_search") + (f"?{found.query}" if found.query else "")
    mine = SavedView.objects.filter(user=request.user)
    if not name:
        messages.error(request, _("请填写视图名称"))
    elif len(name) > 40:
        messages.error(request, _("视图名称最多 40 个字"))
    elif not found.valid:
        messages.error(request, _("查询条件有误，未保存"))
    elif not mine.filter(name=name).exists() and mine.count() >= settings.SAVED_VIEWS_PER_USER:
        messages.error(
            request, _("最多保存 %(n)d 个视图，请先删除不用的") % {"n": settings.SAVED_VIEWS_PER_USER}
        )
    else:
        SavedView.objects.update_or_create(user=request.user, name=name, defaults={"query": found.query})
        messages.success(request, _("已保存视图「%(name)s」") % {"name": name})
    return redirect(back)


@require_POST
@role_required(*SEARCHERS)
def appeal_view_delete(request, pk):
    # Another user's view is a 404, as one that does not exist (and an id beyond bigint names none).
    if pk > MAX_ID:
        raise Http404
    view = get_object_or_404(SavedView, pk=pk, user=request.user)
    view.delete()
    messages.success(request, _("已删除视图「%(name)s」") % {"name": view.name})
    return redirect("appeal_search")

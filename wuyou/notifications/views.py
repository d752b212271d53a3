"""The notification centre: the inbox, open (mark read and go), mark read, email preferences."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuyou.core.errors import DomainError
from wuyou.core.paging import page_number

from . import kinds, selectors, services
from .models import EmailMode, Notification, Preference

PER_PAGE = 30


@login_required
def notification_list(request):
    if request.method == "POST":  # the "mark all read" button
        services.mark_read(user=request.user, ids=services.ALL)
        messages.success(request, _("已全部标为已读"))
        return redirect("notifications")
    unread = request.GET.get("unread") == "1"
    page = Paginator(selectors.inbox(request.user, unread=unread), PER_PAGE).get_page(
        page_number(request.GET.get("page"))
    )
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread": unread, "unread_total": selectors.unread_count(request.user)},
    )


@login_required
def notification_open(request, pk: int):
    n = get_object_or_404(Notification, pk=pk, user=request.user)
    if n.read_at is None:
        Notification.objects.filter(pk=n.pk, read_at__isnull=True).update(read_at=timezone.now())
    # Links are written by the apps, but never follow one off the site.
    if n.link and url_has_allowed_host_and_scheme(n.link, allowed_hosts=None) and n.link.startswith("/"):
        return redirect(n.link)
    return redirect("notifications")


@login_required
@require_POST
def notification_read(request, pk: int):
    try:
        services.mark_read(user=request.user, ids=[pk])
    except DomainError as exc:
        raise Http404(exc.message) from exc
    target = request.POST.get("next", "")
    # Only a local path: anything else (a bare word that redirect() would reverse as a view name, a CR/LF
    # that cannot go into the Location header) returns to the notification centre instead of a 500.
    if (
        not target.startswith("/")
        or any(c < " " or c == "\x7f" for c in target)
        or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        target = reverse("notifications")
    return redirect(target)


@login_required
def preferences(request):
    registered = kinds.choices()
    if request.method == "POST":
        chosen = {code: request.POST.get(f"kind-{code}", EmailMode.IMMEDIATE) for code, _label in registered}
        try:
            services.set_preferences(user=request.user, modes=chosen)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("消息设置已保存"))
            return redirect("notification_preferences")
    stored = dict(Preference.objects.filter(user=request.user).values_list("kind", "email"))
    rows = [
        {"code": code, "label": label, "mode": stored.get(code, EmailMode.IMMEDIATE)}
        for code, label in registered
    ]
    return render(
        request,
        "notifications/preferences.html",
        {
            "rows": rows,
            "modes": EmailMode.choices,
            "has_email": bool(request.user.email),
            "digest_hour": settings.NOTIFICATION_DIGEST_HOUR,
        },
    )

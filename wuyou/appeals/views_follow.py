"""「我也遇到」 pages (issue 10, item 11): follow an appeal from the similar list at intake or from the appeal
page, and stop following it. Thin: the rules are appeals.following's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuyou.core.errors import DomainError

from . import following

ANCHOR = "follow"  # the block's id in appeals/detail.html


def _detail(pk: int):
    return redirect(reverse("appeal_detail", args=[pk]) + f"#{ANCHOR}")


def _refuse(exc: DomainError, request, pk: int):
    if exc.status == 404:
        raise Http404(exc.message) from None
    if exc.status == 403:
        raise PermissionDenied(exc.message) from None
    messages.error(request, exc.message)
    return _detail(pk)


@login_required
@require_POST
def appeal_follow(request, pk):
    """From the intake form (its button posts the whole form here: nothing of it is kept, no appeal is
    filed) or from the appeal page."""
    try:
        following.follow(appeal_id=pk, by=request.user)
    except DomainError as exc:
        return _refuse(exc, request, pk)
    messages.success(request, _("已关注此诉求，未重复提交。答复时您会收到消息。"))
    return _detail(pk)


@login_required
@require_POST
def appeal_unfollow(request, pk):
    try:
        following.unfollow(appeal_id=pk, by=request.user)
    except DomainError as exc:
        return _refuse(exc, request, pk)
    messages.success(request, _("已取消关注此诉求。"))
    return _detail(pk)

"""The desk's bulk actions (issue 10, item 3): the checked rows of a list, each through the kernel."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from wuyou.core.errors import DomainError
from wuyou.orgs import access
from wuyou.orgs.access import role_required

from . import desk, selectors
from .models import Action

# The tabs a bulk form may send the user back to (anything else: the list's first tab; never a URL).
CENTER_TABS = desk.CENTER_TABS


def _back(name: str, tab: str, tabs) -> HttpResponseRedirect:
    tab = tab if tab in tabs else next(iter(tabs))
    return HttpResponseRedirect(f"{reverse(name)}?tab={tab}")


def _seen(request, ids: list[int]) -> dict[int, str]:
    """The state each checked row showed when the list was drawn (posted as seen-<id>)."""
    return {pk: request.POST.get(f"seen-{pk}", "") for pk in ids}


def _report(request, result: desk.BulkResult) -> None:
    label = Action(result.action).label
    if result.done:
        messages.success(request, f"已{label} {len(result.done)} 件")
    for r in result.refused:
        who = r.number or f"第 {r.appeal_id} 号记录"
        messages.error(request, f"{who} 未{label}：{r.reason}")


def _run(request, action: str, data: dict) -> None:
    ids = desk.parse_ids(request.POST.getlist("ids"))
    if not ids:
        messages.error(request, "请先勾选要办理的诉求")
        return
    _report(request, desk.bulk_perform(action, ids=ids, seen=_seen(request, ids), by=request.user, data=data))


@require_POST
@role_required(access.DEPT)
def dept_bulk_sign(request):
    _run(request, Action.SIGN, {})
    return _back("dept_inbox", request.POST.get("tab", ""), selectors.DEPT_TABS)


@require_POST
@role_required(access.CENTER)
def center_bulk_dispatch(request):
    try:
        department = desk.resolve_department(request.POST.get("department", ""))
    except DomainError as exc:
        messages.error(request, f"主办部门：{exc.message}")
    else:
        data = {"department": department.code, "note": request.POST.get("note", "")}
        _run(request, Action.DISPATCH, data)
    return _back("center_queue", request.POST.get("tab", ""), CENTER_TABS)

"""The center's extension approval list (延期审批) and its decisions. Thin: the rows and the decision come
from extension_requests; after a decision the center is back on the list, not on the appeal."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuyou.core.errors import DomainError, InvalidInput
from wuyou.core.inputs import Input
from wuyou.core.paging import page_number
from wuyou.core.workflow import EXPECTED_STATUS
from wuyou.orgs import access
from wuyou.orgs.access import role_required

from . import extension_requests as ext_requests
from . import selectors
from .models import Extension
from .transitions import FLOW

PER_PAGE = 30
EXTENSION_ID = Input("extension", "延期申请", kind="id")
# Which field an error of the service belongs beside (reason_required → the reason field).
FIELD_OF_CODE = {"reason": "reason", "note": "note"}


def _field_of(code: str) -> str:
    for prefix, name in FIELD_OF_CODE.items():
        if code.startswith(f"{prefix}_") or code == f"invalid_{prefix}":
            return name
    return "form"


def _render(request, page_no, form_state=None, status=200):
    now = timezone.now()
    page = Paginator(ext_requests.pending_requests(), PER_PAGE).get_page(page_no)
    rows = ext_requests.rows(page.object_list, now)
    for row in rows:
        if form_state and row.ext.pk == form_state["extension"]:
            row.form = form_state
    return render(
        request,
        "appeals/center_extensions.html",
        {"page": page, "rows": rows, "now": now, "reason_max": _reason_max()},
        status=status,
    )


def _reason_max() -> int:
    return next(i.max_len for i in FLOW.rule("approve_extension").inputs if i.name == "reason")


@role_required(access.CENTER)
def center_extensions(request):
    return _render(request, page_number(request.GET.get("page")))


@require_POST
@role_required(access.CENTER)
def center_extension_decide(request, pk):
    appeal = get_object_or_404(selectors.visible_appeals(request.user), pk=pk)
    ext = appeal.extensions.filter(decision=Extension.Decision.PENDING).first()
    if ext is None:
        messages.error(
            request, _("诉求 %(number)s 没有待审批的延期申请（可能已由他人审批）") % {"number": appeal.number}
        )
        return redirect("center_extensions")
    posted = {name: request.POST.get(name, "") for name in ext_requests.DECISION_INPUTS}
    try:
        seen = EXTENSION_ID.clean(request.POST.get("extension"))
    except InvalidInput:
        seen = None
    errors = ext_requests.decision_errors(posted)
    if not errors:
        try:
            with FLOW.expecting(pk, request.POST.get(EXPECTED_STATUS)):
                decision = ext_requests.decide(
                    appeal_id=pk,
                    by=request.user,
                    approve=posted["approve"],
                    note=posted["note"],
                    reason=posted["reason"],
                    extension_id=seen,
                )
        except DomainError as exc:
            if exc.status == 404:
                raise Http404(exc.message) from None
            errors[_field_of(exc.code)] = exc.message
        else:
            messages.success(request, decision.message)
            return redirect("center_extensions")
    if not Extension.objects.filter(pk=ext.pk, decision=Extension.Decision.PENDING).exists():
        messages.error(request, errors.get("form") or _("该延期申请已由他人审批"))
        return redirect("center_extensions")
    # Shown again with what was typed, each error beside its field, on the page the person was on.
    state = {
        "extension": ext.pk,
        "approving": posted["approve"] == "yes",
        "values": posted,
        "errors": errors,
    }
    return _render(request, page_number(request.POST.get("page")), state)

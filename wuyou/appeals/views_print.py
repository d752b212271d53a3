"""Print pages and PDF downloads of an appeal's paper: the 交办单, the 督办单 and the case file.

Whoever sees the appeal (selectors.visible_appeals) may print its case file; the dispatch and supervision
sheets, the administration's instructions to departments, are the staff's (printing.may_print). The
contact phone follows exposure.contact_phone_for, as on the appeal's page.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from wuyou.core import excel

from . import printing, selectors
from .models import Appeal


def _document(request, pk: int, kind: str) -> tuple[printing.Document, Appeal]:
    if kind not in printing.KINDS:
        raise Http404(_("没有这种单据"))
    qs = selectors.visible_appeals(request.user).select_related(
        "enterprise", "enterprise__district", "department"
    )
    appeal = get_object_or_404(qs, pk=pk)
    if not printing.may_print(request.user, kind):
        raise PermissionDenied(_("当前角色无权打印该单据"))
    try:
        return printing.document(kind, appeal, request.user), appeal
    except printing.NoSuchSheet as exc:
        raise Http404(str(exc)) from None


@login_required
def appeal_print(request, pk, kind):
    doc, appeal = _document(request, pk, kind)
    return render(request, "appeals/print_sheet.html", {"doc": doc, "a": appeal, "kind": kind})


@login_required
def appeal_print_pdf(request, pk, kind):
    doc, _ = _document(request, pk, kind)
    return HttpResponse(
        printing.render_pdf(doc),
        content_type="application/pdf",
        headers=excel.response_headers(doc.filename),
    )

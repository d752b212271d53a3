"""The "导出 Excel" downloads of the list pages. Each is allowed to exactly the roles of its page and reads
the page's rows through the same selectors (exports.py), so a department exports only what it sees.

Streamed (core.xlsxstream): the rows are read in chunks while the response is being sent, so the
download starts at once and memory stays flat for any size. The rows and whether a list was cut at
APPEAL_EXPORT_MAX_ROWS are written in the workbook's last sheet (导出说明).
"""

from django.http import HttpResponseBadRequest, StreamingHttpResponse

from wuyou.core import excel
from wuyou.orgs import access
from wuyou.orgs.access import role_required

from . import exports, finding


def _download(list_name: str, request) -> StreamingHttpResponse:
    result = exports.export(list_name, request.user, request.GET)
    return StreamingHttpResponse(
        result.chunks, content_type=excel.CONTENT_TYPE, headers=excel.response_headers(result.filename)
    )


@role_required(access.CENTER)
def center_queue_export(request):
    return _download("center_queue", request)


@role_required(access.READ_ALL)
def center_board_export(request):
    return _download("center_board", request)


@role_required(access.READ_ALL)
def center_supervision_export(request):
    return _download("center_supervision", request)


@role_required(access.DEPT)
def dept_inbox_export(request):
    return _download("dept_inbox", request)


@role_required(access.TEAM)
def team_queue_export(request):
    return _download("team_queue", request)


@role_required(access.READ_ALL, access.DEPT)
def appeal_search_export(request):
    # The search page's roles (departments: their whole history) and its checked filters.
    found = finding.parse(request.GET)
    if not found.valid:
        errors = "；".join(str(e) for errs in found.form.errors.values() for e in errs)
        return HttpResponseBadRequest(f"查询条件有误：{errors}", content_type="text/plain; charset=utf-8")
    return _download("appeal_search", request)


@role_required(access.STATS)
def ranking_export(request):
    return _download("ranking", request)

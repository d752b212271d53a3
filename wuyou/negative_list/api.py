"""Negative list and report API (mounted at /api/v1/). Anonymous routes set auth=None; everything naming a
report answers 404 to anyone but investigators (the list of reports answers 403, which reveals nothing)."""

from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import AuthenticationError
from ninja.utils import check_csrf

from wuyou.core import jsonbody
from wuyou.core.errors import Forbidden, InvalidInput, NotFound
from wuyou.core.inputs import schema_model
from wuyou.core.paging import page_number
from wuyou.orgs.models import ApiToken, hash_token

from . import ratelimit, selectors, services, stats
from .permissions import is_investigator, is_jw
from .search import search_items
from .transitions import FLOW, INVESTIGATOR_ACTIONS, REPORTER_ACTIONS

router = Router(tags=["negative_list"])
PAGE_SIZE = 50


def optional_user(request):
    """Bearer token, else a CSRF-checked session, else anonymous (None). A bad token is 401, not anonymous."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        row = ApiToken.objects.select_related("user").filter(key_hash=hash_token(header[7:].strip())).first()
        if row is None or not row.user.is_active:
            raise AuthenticationError()
        return row.user
    if request.user.is_authenticated:
        if check_csrf(request) is not None:
            raise Forbidden("CSRF 校验失败，请刷新页面后重试", code="csrf")
        return request.user
    return None


class ReportIn(Schema):
    items: list[str]
    department: str
    official: str | None = None
    occurred_on: str = Field(..., description="YYYY-MM-DD")
    place: str | None = None
    description: str
    reporter_name: str | None = None
    reporter_phone: str | None = None


class TrackIn(Schema):
    tracking_code: str
    secret: str
    rating: str | None = None
    comment: str | None = None
    text: str | None = None


def local(dt):
    return timezone.localtime(dt) if dt else None


def reporter_view(r) -> dict:
    return {
        "status": r.status,
        "status_label": r.get_status_display(),
        "created_at": local(r.created_at),
        "items": [i.code for i in r.items.all()],
        "outcome": r.outcome,
        "reply": r.reply,
        "rating": r.rating,
        "timeline": [
            {"action": e.action, "note": e.note, "at": local(e.at)} for e in r.events.filter(public=True)
        ],
    }


def investigator_view(r) -> dict:
    return {
        "id": r.pk,
        "number": r.number,
        "status": r.status,
        "anonymous": r.anonymous,
        "items": [i.code for i in r.items.all()],
        "department": r.department.code,
        "official": r.official,
        "occurred_on": r.occurred_on.isoformat(),
        "place": r.place,
        "description": r.description,
        "created_at": local(r.created_at),
        "accept_due_at": local(r.accept_due_at),
        "conclude_due_at": local(r.conclude_due_at),
        "extended": r.extended,
        "escalated": r.escalated_at is not None,
        "outcome": r.outcome,
        "finding": r.finding,
        "reply": r.reply,
        "rating": r.rating,
    }


# ---------------------------------------------------------------- public


@router.get("/negative-list", auth=None)
def negative_list(request):
    return selectors.version_json(selectors.current_or_404())


@router.get("/negative-list/search", auth=None)
def negative_list_search(request, q: str = ""):
    items = search_items(selectors.current_or_404(), q)
    return [{"code": i.code, "behaviour": i.behaviour, "domain": i.domain.name} for i in items]


@router.get("/negative-list/stats", auth=None)
def negative_list_stats(request):
    return stats.public_stats()


@router.post("/reports", auth=None, response={201: dict})
def report_create(request, payload: ReportIn):
    user = optional_user(request)
    report, secret = services.report_submit(
        by=user,
        items=payload.items,
        department=payload.department,
        official=payload.official or "",
        occurred_on=payload.occurred_on,
        place=payload.place or "",
        description=payload.description,
        reporter_name=payload.reporter_name or "",
        reporter_phone=payload.reporter_phone or "",
        ip=ratelimit.client_ip(request),
    )
    if secret is None:
        return 201, {"id": report.pk}
    return 201, {"tracking_code": report.tracking_code, "secret": secret}


class TrackLookupIn(Schema):
    tracking_code: str
    secret: str


@router.get("/reports/track", auth=None)
def report_track_by_get(request):
    """Refused without looking anything up: a secret in a query string lands in access logs, proxies and
    browser history. Kept as a route so old clients get a clear answer instead of a bare 405."""
    if "secret" in request.GET:
        raise InvalidInput(
            "查询密码不能放在网址中，请改用 POST 提交 JSON {tracking_code, secret}", code="secret_in_url"
        )
    raise InvalidInput("请用 POST 提交 JSON {tracking_code, secret} 查询举报进度", code="track_by_post")


@router.post("/reports/track", auth=None)
def report_track(request, payload: TrackLookupIn):
    ratelimit.hit_track(ratelimit.client_ip(request))
    return reporter_view(services.find_by_secret(payload.tracking_code, payload.secret))


@router.post("/reports/track/{action}", auth=None)
def report_track_act(request, action: str, payload: TrackIn):
    if action not in REPORTER_ACTIONS:
        raise NotFound("未知操作", code="unknown_action")
    ratelimit.hit_track(ratelimit.client_ip(request))
    report = services.find_by_secret(payload.tracking_code, payload.secret)
    services.reporter_act(report_id=report.pk, action=action, secret_ok=True, data=payload.dict())
    report.refresh_from_db()
    return reporter_view(report)


# ---------------------------------------------------------------- the reporting enterprise


@router.get("/reports/mine")
def reports_mine(request):
    return [{"id": r.pk, **reporter_view(r)} for r in selectors.my_reports(request.auth)]


# ---------------------------------------------------------------- investigators


@router.get("/reports")
def report_list(request, status: str = "", q: str = "", page: int = 1):
    if not is_investigator(request.auth):
        raise Forbidden("仅协调中心办案人员可以查看举报")
    qs = selectors.reports_for(request.auth, status=status, q=q[:50])
    start = (page_number(page, strict=True) - 1) * PAGE_SIZE  # bounded: a huge page is 400, not an OFFSET
    return {"count": qs.count(), "items": [investigator_view(r) for r in qs[start : start + PAGE_SIZE]]}


@router.get("/reports/stats")
def report_stats(request):
    if not is_investigator(request.auth):
        raise Forbidden("仅协调中心办案人员可以查看举报统计")
    return stats.center_stats()


@router.get("/reports/{int:report_id}")
def report_detail(request, report_id: int):
    r = selectors.report_for_investigator(request.auth, report_id)
    d = investigator_view(r)
    d["events"] = [
        {
            "action": e.action,
            "actor": e.actor.username if e.actor else None,
            "note": e.note,
            "at": local(e.at),
        }
        for e in r.events.select_related("actor")
    ]
    d["dept_requests"] = [
        {"id": q.pk, "kind": q.kind, "summary": q.summary, "due_at": local(q.due_at), "answer": q.answer}
        for q in r.dept_requests.all()
    ]
    return d


class RevealIn(Schema):
    password: str = Field(description="当前用户的密码：API 没有会话，每次查看都要重新验证身份")
    reason: str = Field(description="查看理由（必填，记入审计日志）")


@router.post("/reports/{int:report_id}/identity")
def report_identity(request, report_id: int, payload: RevealIn):
    from django.contrib.auth import authenticate

    user = request.auth
    # Outsiders learn nothing, not even whether their password was right: the 404 comes first.
    if not is_investigator(user):
        raise NotFound("对象不存在或无权查看", code="not_found")
    # authenticate: a wrong password counts as a login failure (lockout and throttle, orgs.auth).
    again = authenticate(request, username=user.get_username(), password=payload.password)
    if again is None or again.pk != user.pk:
        raise Forbidden("密码不正确，无法验证身份", code="reauth_failed")
    identity = services.reveal_identity(
        report_id=report_id, by=user, reason=payload.reason, via="api", request=request
    )
    return {k: v for k, v in identity.items() if k not in ("user_id", "enterprise_id")}


# The body's schema, from the inputs the workflow table declares (the OpenAPI document shows it); the
# services parse and check the values themselves, after the permission and state checks.
ActionIn = schema_model("ReportActionIn", [i for a in INVESTIGATOR_ACTIONS for i in FLOW.rule(a).inputs])
ACTION_INPUTS = {i.name for a in INVESTIGATOR_ACTIONS for i in FLOW.rule(a).inputs}


def _body(request) -> dict:
    payload = jsonbody.loads_object(request.body or b"")  # size, depth and text checked in one place
    return {k: v for k, v in payload.items() if k in ACTION_INPUTS and v is not None}


@router.post(
    "/reports/{int:report_id}/{action}",
    description="action: " + ", ".join(INVESTIGATOR_ACTIONS),
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": ActionIn.model_json_schema()}},
        }
    },
)
def report_act(request, report_id: int, action: str):
    if action not in INVESTIGATOR_ACTIONS:
        if not is_investigator(request.auth):
            raise NotFound("对象不存在或无权查看", code="not_found")
        raise NotFound(f"未知操作：{action}", code="unknown_action")
    if not is_investigator(request.auth):
        raise NotFound("对象不存在或无权查看", code="not_found")
    report = services.perform(action, report_id=report_id, by=request.auth, data=_body(request))
    return investigator_view(report)


# ---------------------------------------------------------------- the accused department and 纪委监委


class AnswerIn(Schema):
    answer: str


@router.get("/dept-requests")
def dept_requests(request):
    return [
        {
            "id": q.pk,
            "kind": q.kind,
            "summary": q.summary,
            "created_at": local(q.created_at),
            "due_at": local(q.due_at),
            "answer": q.answer,
            "answered_at": local(q.answered_at),
        }
        for q in selectors.dept_requests_for(request.auth)
    ]


@router.post("/dept-requests/{int:request_id}/answer")
def dept_request_answer(request, request_id: int, payload: AnswerIn):
    q = services.dept_answer(request_id=request_id, by=request.auth, answer=payload.answer)
    return {"id": q.pk, "answered_at": local(q.answered_at)}


@router.get("/referrals")
def referrals(request):
    if not is_jw(request.auth):
        raise Forbidden("仅纪委监委可以查看移送线索")
    return [
        {
            "created_at": local(f.created_at),
            "note": f.note,
            "department": f.report.department.code,
            "official": f.report.official,
            "items": [i.code for i in f.report.items.all()],
            "description": f.report.description,
            "outcome": f.report.outcome,
            "finding": f.report.finding,
        }
        for f in selectors.referrals_for(request.auth)
    ]

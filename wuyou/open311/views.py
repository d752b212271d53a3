"""Open311 GeoReport v2 endpoint (http://wiki.open311.org/GeoReport_v2), mounted at /open311/v2/.

Authentication is by api_key (a query or form parameter, or the X-Api-Key header), never the session,
so the views are CSRF-exempt. Unlike the public spec, reading requests needs a key too: our appeals
carry enterprise data, so reads see exactly what the key's user may see (visible_appeals).
"""

import re
from datetime import datetime, time, timedelta
from functools import wraps

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from wuyou.appeals.intake import VIA_OPEN311
from wuyou.appeals.models import Appeal, Category, Channel, Event
from wuyou.appeals.selectors import visible_appeals
from wuyou.appeals.services import appeal_submit
from wuyou.core.errors import DomainError

from . import serializers as s
from .models import Open311Key

DEFAULT_RANGE = timedelta(days=90)
MAX_RANGE = timedelta(days=90)
MAX_RESULTS = 1000
MAX_IDS = 100
ATTRIBUTE_RE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


def endpoint(*methods):
    """Check the format and the method, and turn Open311Error and DomainError into spec errors."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, fmt: str, **kwargs):
            if fmt not in s.CONTENT_TYPES:
                return s.render_error("json", 404, f"不支持的格式：{fmt}，请使用 .json 或 .xml")
            if request.method not in methods:
                response = s.render_error(
                    fmt, 405, f"不支持 {request.method} 方法，请使用 {'、'.join(methods)}"
                )
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                return s.render_error(fmt, exc.status, exc.description)
            except DomainError as exc:
                return s.render_error(fmt, exc.status, exc.message)

        return wrapper

    return decorate


def _param(request, name: str) -> str:
    source = request.POST if request.method == "POST" else request.GET
    return (source.get(name) or "").strip()


def _authenticate(request) -> Open311Key:
    raw = (
        request.headers.get("X-Api-Key")
        or (request.POST.get("api_key") if request.method == "POST" else None)
        or request.GET.get("api_key")
        or ""
    )
    if not raw.strip():
        raise Open311Error(403, "缺少 api_key：请向协调中心申请 Open311 密钥")
    key = Open311Key.authenticate(raw)
    if key is None:
        raise Open311Error(403, "api_key 无效或已停用")
    return key


# ---------------------------------------------------------------- discovery and services


@endpoint("GET")
def discovery(request, fmt):
    path = reverse("open311:discovery", kwargs={"fmt": fmt})
    base = request.build_absolute_uri(path.rsplit("/", 1)[0] + "/")
    data = {
        "changeset": s.CHANGESET,
        "contact": getattr(settings, "OPEN311_CONTACT", "株洲市优化营商环境协调事务中心"),
        "key_service": getattr(
            settings,
            "OPEN311_KEY_SERVICE",
            "api_key 由株洲市优化营商环境协调事务中心在管理后台创建，请联系协调中心申请。",
        ),
        "endpoints": [
            {
                "specification": s.SPECIFICATION,
                "url": base,
                "changeset": s.CHANGESET,
                "type": "production",
                "formats": s.MIME_FORMATS,
            }
        ],
    }
    return s.render(fmt, "discovery", data)


@endpoint("GET")
def service_list(request, fmt):
    return s.render(fmt, "services", s.services())


def _category(service_code: str, status: int = 404) -> str:
    if service_code not in Category.values:
        allowed = "、".join(f"{c.value}({c.label})" for c in Category)
        raise Open311Error(status, f"服务代码不存在：{service_code}。可选：{allowed}")
    return service_code


@endpoint("GET")
def service_definition(request, service_code, fmt):
    return s.render(fmt, "service_definition", s.service_definition(_category(service_code)))


# ---------------------------------------------------------------- service requests


def request_queryset(user):
    events = Event.objects.filter(appeal_id=OuterRef("pk")).order_by("-seq")
    return (
        visible_appeals(user)
        .select_related("department", "merged_into")
        .annotate(
            last_event_at=Subquery(events.values("at")[:1]),
            last_event_note=Subquery(events.values("note")[:1]),
        )
        .order_by("-created_at", "-id")
    )


def _id_filter(ids: list[str]) -> Q:
    # Numeric ids are primary keys; anything longer than a bigint could hold cannot match.
    numeric = [int(i) for i in ids if i.isascii() and i.isdigit() and len(i) <= 18]
    return Q(number__in=ids) | Q(pk__in=numeric)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


# "+08:00" sent unencoded in a query string arrives as " 08:00"; put the plus sign back.
UNENCODED_OFFSET = re.compile(r" (\d{2}:?\d{2})$")


def _parse_datetime(value: str, name: str) -> datetime:
    value = UNENCODED_OFFSET.sub(r"+\1", value)
    try:
        dt = parse_datetime(value)
        if dt is None and (day := parse_date(value)) is not None:
            dt = datetime.combine(day, time.min)
    except ValueError:
        dt = None
    if dt is None:
        raise Open311Error(400, f"{name} 不是有效的 W3C 日期时间，例如 2026-11-27T09:30:00+08:00")
    if timezone.is_naive(dt):
        dt = timezone.make_aware(dt)
    return dt


def _date_range(request) -> tuple[datetime, datetime]:
    start_raw, end_raw = _param(request, "start_date"), _param(request, "end_date")
    start = _parse_datetime(start_raw, "start_date") if start_raw else None
    end = _parse_datetime(end_raw, "end_date") if end_raw else None
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - DEFAULT_RANGE
    if end is None:
        end = start + DEFAULT_RANGE
    if start > end:
        raise Open311Error(400, "start_date 不能晚于 end_date")
    if end - start > MAX_RANGE:
        raise Open311Error(400, "start_date 与 end_date 的跨度不能超过90天")
    return start, end


def _list_requests(request, fmt, key):
    qs = request_queryset(key.user)
    ids = _split(_param(request, "service_request_id"))
    if ids:
        # Per the spec, other parameters are ignored when service_request_id is given.
        if len(ids) > MAX_IDS:
            raise Open311Error(400, f"service_request_id 一次最多{MAX_IDS}个")
        qs = qs.filter(_id_filter(ids))
    else:
        codes = _split(_param(request, "service_code"))
        for code in codes:
            _category(code, status=400)
        if codes:
            qs = qs.filter(category__in=codes)
        statuses = _split(_param(request, "status").lower())
        for status in statuses:
            if status not in s.OPEN311_STATUSES:
                raise Open311Error(400, f"status 只能是 open 或 closed，收到：{status}")
        if set(statuses) == {"open"}:
            qs = qs.exclude(status__in=s.CLOSED_STATUSES)
        elif set(statuses) == {"closed"}:
            qs = qs.filter(status__in=s.CLOSED_STATUSES)
        start, end = _date_range(request)
        qs = qs.filter(created_at__gte=start, created_at__lte=end)
    return s.render(fmt, "service_requests", s.service_requests(qs[:MAX_RESULTS]))


def _contact_name(first: str, last: str) -> str:
    # Chinese names are written family name first with no space: last_name + first_name.
    if any("\u4e00" <= ch <= "\u9fff" for ch in first + last):
        return last + first
    return " ".join(part for part in (first, last) if part)


def _coordinate(value: str, name: str, limit: float) -> float:
    try:
        number = float(value)
    except ValueError:
        raise Open311Error(400, f"{name} 不是有效的数字：{value}") from None
    if not -limit <= number <= limit:
        raise Open311Error(400, f"{name} 超出范围（-{limit:g} 至 {limit:g}）：{value}")
    return number


def _attributes(request) -> dict[str, str]:
    attrs = {}
    for name in request.POST:
        match = ATTRIBUTE_RE.match(name)
        if match:
            attrs[match.group(1)] = (request.POST.get(name) or "").strip()
    return attrs


def _create_request(request, fmt, key):
    if not key.can_post:
        raise Open311Error(403, "该 api_key 只能查询，不能提交诉求（代理账号须为协调中心或联企干部）")
    service_code = _param(request, "service_code")
    if not service_code:
        raise Open311Error(400, "service_code 为必填项")
    category = _category(service_code, status=400)
    attrs = _attributes(request)
    for code, label in ((s.ATTR_USCC, "企业统一社会信用代码"), (s.ATTR_TITLE, "标题")):
        if not attrs.get(code):
            raise Open311Error(400, f"attribute[{code}]（{label}）为必填项")
    description = _param(request, "description")
    if not description:
        raise Open311Error(400, "description（诉求内容）为必填项")
    contact = _contact_name(_param(request, "first_name"), _param(request, "last_name"))
    if not contact:
        raise Open311Error(400, "first_name 或 last_name（联系人姓名）至少填写一项")
    phone = _param(request, "phone")
    if not phone:
        raise Open311Error(400, "phone（联系电话）为必填项")
    lat_raw, lon_raw = _param(request, "lat"), _param(request, "long")
    if bool(lat_raw) != bool(lon_raw):
        raise Open311Error(400, "lat 与 long 须同时提供")
    lat = _coordinate(lat_raw, "lat", 90) if lat_raw else None
    lon = _coordinate(lon_raw, "long", 180) if lon_raw else None
    address = _param(request, "address_string")
    if not address and (address_id := _param(request, "address_id")):
        address = f"地址编号 {address_id}"
    if lat is None and not address:
        raise Open311Error(400, "请提供位置：lat 与 long，或 address_string")
    appeal = appeal_submit(
        by=key.user,
        enterprise_uscc=attrs[s.ATTR_USCC],
        channel=Channel.OPEN311,
        via=VIA_OPEN311,
        category=category,
        urgency=attrs.get(s.ATTR_URGENCY) or "normal",
        title=attrs[s.ATTR_TITLE],
        content=description,
        contact_name=contact,
        contact_phone=phone,
        location=address,
        lat=lat,
        lon=lon,
    )
    notice = f"诉求已受理，编号 {appeal.number}。{s.reply_notice(category)}"
    data = [{"service_request_id": appeal.number, "service_notice": notice, "account_id": None}]
    return s.render(fmt, "service_requests", data, status=201)


@endpoint("GET", "POST")
def requests(request, fmt):
    key = _authenticate(request)
    if request.method == "POST":
        return _create_request(request, fmt, key)
    return _list_requests(request, fmt, key)


def _visible_one(key, request_id: str) -> Appeal:
    appeal = request_queryset(key.user).filter(_id_filter([request_id])).first()
    if appeal is None:
        raise Open311Error(404, f"诉求不存在或无权查看：{request_id}")
    return appeal


@endpoint("GET")
def request_detail(request, request_id, fmt):
    key = _authenticate(request)
    appeal = _visible_one(key, request_id)
    return s.render(fmt, "service_requests", s.service_requests([appeal]))


@endpoint("GET")
def token(request, token, fmt):
    # We create requests synchronously, so a token is simply the service_request_id.
    key = _authenticate(request)
    appeal = _visible_one(key, token)
    return s.render(fmt, "service_requests", [{"service_request_id": appeal.number, "token": token}])

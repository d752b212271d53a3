"""Every write to a report. Each action: lock the row, check the transition table, save, append an event in
the same transaction; notification rows ride in the same commit (the worker delivers the outbox).

`check_retaliation` is the one function other modules call (inspections, penalties…)."""

import os
import secrets
from datetime import date, timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wuyou.appeals.attachments import MAX_FILES, check_file
from wuyou.core.errors import InvalidInput, NotFound
from wuyou.orgs.models import Department, Role
from wuyou.orgs.validators import clean_phone
from wuyou.workdays.calendar import workday_deadline

from . import crypto, notify, ratelimit
from .catalog import current_version
from .models import (
    DeptRequest,
    Event,
    Evidence,
    IdentityAccess,
    Outcome,
    Rating,
    Referral,
    Report,
    Sequence,
    Status,
)
from .permissions import NOT_FOUND, is_dept_user, require_investigator
from .retaliation import check_retaliation  # noqa: F401  (the public entry point lives here)
from .transitions import RULES, check_allowed

ACCEPT_WORKDAYS = 1
CONCLUDE_WORKDAYS = 15
EXTENDED_WORKDAYS = 30
WARN_BEFORE_WORKDAYS = 3
EXPLANATION_WORKDAYS = 5
RECTIFICATION_WORKDAYS = 20
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed on phones
MAX_ID = 2**63 - 1


# ---------------------------------------------------------------- helpers


def _text(value, label: str, max_len: int, *, required: bool = True, min_len: int = 0) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(f"{label}不能为空")
    if len(value) > max_len:
        raise InvalidInput(f"{label}不能超过{max_len}字")
    if value and len(value) < min_len:
        raise InvalidInput(f"{label}至少{min_len}字")
    return value


def _days(value, default: int, label: str) -> int:
    if value in (None, ""):
        return default
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{label}必须是整数个工作日") from None
    if not 1 <= days <= 90:
        raise InvalidInput(f"{label}须在 1 到 90 个工作日之间")
    return days


def _code(n: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(n))


def _number(now) -> str:
    day = timezone.localtime(now).strftime("%Y%m%d")
    Sequence.objects.get_or_create(day=day)
    Sequence.objects.filter(day=day).update(last=F("last") + 1)
    return f"NL{day}-{Sequence.objects.get(day=day).last:04d}"


def _lock(report_id) -> Report:
    if not isinstance(report_id, int) or not 0 < report_id <= MAX_ID:
        raise NotFound(NOT_FOUND, code="not_found")
    report = Report.objects.select_for_update().filter(pk=report_id).first()
    if report is None:
        raise NotFound(NOT_FOUND, code="not_found")
    return report


def record(report: Report, action: str, *, by=None, before: str = "", note: str = "", public=False, at=None):
    return Event.objects.create(
        report=report,
        action=action,
        actor=by,
        from_status=before or report.status,
        to_status=report.status,
        note=note,
        public=public,
        at=at or timezone.now(),
    )


def _save_files(report: Report, files, note: str = "") -> int:
    files = list(files or [])
    if len(files) + report.evidence.count() > MAX_FILES:
        raise InvalidInput(f"证据材料最多 {MAX_FILES} 个")
    checked = [(f, check_file(f)) for f in files]  # all checked before any is written
    now = timezone.now()
    for f, content_type in checked:
        ev = Evidence(
            report=report,
            name=os.path.basename(f.name)[:200],
            content_type=content_type,
            size=f.size,
            note=note,
            uploaded_at=now,
        )
        ev.file.save("evidence", f, save=False)
        ev.save()
    return len(checked)


def account_tag(user) -> str:
    return crypto.tag("user", user.pk)


def enterprise_tag(enterprise_id) -> str:
    return crypto.tag("enterprise", enterprise_id)


# ---------------------------------------------------------------- intake


def _parse_date(value) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise InvalidInput("发生日期格式应为 YYYY-MM-DD", code="invalid_date") from None


@transaction.atomic
def report_submit(
    *,
    by,
    items: list[str],
    department: str,
    description: str,
    occurred_on,
    official: str = "",
    place: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    files=(),
    ip: str = "",
    now=None,
) -> tuple[Report, str | None]:
    """File a report. `by` is an enterprise user or None (anonymous). Returns (report, secret); the secret
    exists only for anonymous reports and only in this return value."""
    now = now or timezone.now()
    user = by if by is not None and by.is_authenticated else None
    if user is not None and (user.role != Role.ENTERPRISE or not user.enterprise_id):
        raise InvalidInput("只有企业账号可以实名举报；其他人员请退出登录后匿名举报", code="not_enterprise")
    ratelimit.hit_report(ip=ip, user=user)
    version = current_version()
    if version is None:
        raise InvalidInput("负面清单尚未发布", code="no_list")
    codes = [str(c).strip() for c in (items or []) if str(c).strip()]
    if not codes:
        raise InvalidInput("请至少选择一条负面清单条目", code="items_required")
    if len(codes) > 10:
        raise InvalidInput("一次举报最多涉及 10 条清单条目", code="too_many_items")
    found = list(version.items.filter(code__in=codes))
    missing = sorted(set(codes) - {i.code for i in found})
    if missing:
        raise InvalidInput("清单条目不存在：" + "、".join(missing), code="unknown_item")
    dept = Department.objects.filter(code=(department or "").strip(), is_active=True).first()
    if dept is None:
        raise InvalidInput("被举报单位不存在", code="unknown_department")
    day = _parse_date(occurred_on)
    today = timezone.localdate(now)
    if day > today or day < today - timedelta(days=3 * 366):
        raise InvalidInput("发生日期须在近三年内且不晚于今天", code="invalid_date")
    description = _text(description, "事情经过", 5000, min_len=10)
    name = _text(reporter_name, "姓名", 50, required=False)
    phone = (reporter_phone or "").strip()
    if phone:
        try:
            phone = clean_phone(phone)
        except ValidationError as exc:
            raise InvalidInput("；".join(exc.messages), code="invalid_phone") from None
    identity = {"name": name, "phone": phone}
    if user is not None:
        ent = user.enterprise
        identity.update(
            user_id=user.pk,
            username=user.username,
            name=name or user.get_full_name(),
            phone=phone or user.phone,
            enterprise_id=ent.pk,
            enterprise_name=ent.name,
            enterprise_uscc=ent.uscc,
        )
    secret = None if user is not None else "-".join(_code(4) for _ in range(4))
    report = Report.objects.create(
        number=_number(now),
        tracking_code="JB" + _code(10),
        secret_hash=make_password(secret) if secret else "",
        anonymous=user is None,
        department=dept,
        official=_text(official, "涉及人员或岗位", 100, required=False),
        occurred_on=day,
        place=_text(place, "发生地点", 200, required=False),
        description=description,
        identity_token=crypto.encrypt_identity(identity),
        enterprise_tag=enterprise_tag(user.enterprise_id) if user else "",
        account_tag=account_tag(user) if user else "",
        created_at=now,
    )
    report.items.set(found)
    report.accept_due_at, est = workday_deadline(now, ACCEPT_WORKDAYS)
    report.due_estimated = est
    report.save(update_fields=["accept_due_at", "due_estimated"])
    _save_files(report, files)
    record(report, "submit", before=Status.SUBMITTED, note="举报已提交", public=True, at=now)
    notify.to_investigators(f"新举报 {report.number} 待受理", "请在 1 个工作日内受理。")
    return report, secret


# ---------------------------------------------------------------- the reporter


def find_by_secret(tracking_code: str, secret: str) -> Report:
    """The anonymous reporter's key. Any mismatch is a plain 404."""
    code = (tracking_code or "").strip().upper()
    report = Report.objects.filter(tracking_code=code, anonymous=True).first() if code else None
    if report is None:
        make_password(secret or "x")  # same work either way: timing does not reveal valid codes
        raise NotFound(NOT_FOUND, code="not_found")
    if not check_password((secret or "").strip().upper(), report.secret_hash):
        raise NotFound(NOT_FOUND, code="not_found")
    return report


def reporter_may(report: Report, user=None, secret_ok: bool = False) -> bool:
    if secret_ok:
        return True
    return bool(user is not None and user.is_authenticated and report.account_tag == account_tag(user))


@transaction.atomic
def reporter_act(*, report_id: int, action: str, user=None, secret_ok: bool = False, data: dict, files=()):
    report = _lock(report_id)
    rule = check_allowed(report, action, user, reporter=reporter_may(report, user, secret_ok))
    before = report.status
    if action == "rate":
        rating = data.get("rating", "")
        if rating not in Rating.values:
            raise InvalidInput("请选择评价：满意、基本满意或不满意", code="invalid_rating")
        report.rating, report.rating_comment = (
            rating,
            _text(data.get("comment"), "评价意见", 1000, required=False),
        )
        report.status, report.closed_at = rule.to, timezone.now()
        report.save(update_fields=["rating", "rating_comment", "status", "closed_at"])
        record(report, action, before=before, note=Rating(rating).label, public=True)
        notify.to_investigators(f"举报 {report.number} 举报人已评价：{Rating(rating).label}", email=False)
    else:  # add_material
        text = _text(data.get("text"), "补充说明", 5000, required=not files)
        n = _save_files(report, files, note=text)
        record(report, action, before=before, note=text + (f"（附件 {n} 个）" if n else ""), public=True)
        notify.to_investigators(f"举报 {report.number} 举报人补充了材料", email=False)
    return report


# ---------------------------------------------------------------- investigators


def _deadlines_on_accept(report: Report, start, workdays: int):
    report.conclude_due_at, est = workday_deadline(start, workdays)
    report.warn_at, _ = workday_deadline(start, workdays - WARN_BEFORE_WORKDAYS)
    report.due_estimated = report.due_estimated or est
    report.warned_at = report.escalated_at = None
    return ["conclude_due_at", "warn_at", "due_estimated", "warned_at", "escalated_at"]


def _dept_request(report: Report, kind: str, summary: str, days: int) -> DeptRequest:
    now = timezone.now()
    due, _ = workday_deadline(now, days)
    warn = workday_deadline(now, days - 2)[0] if days > 2 else now
    req = DeptRequest.objects.create(
        report=report,
        kind=kind,
        department=report.department,
        summary=summary,
        created_at=now,
        due_at=due,
        warn_at=warn,
    )
    what = "说明情况" if kind == DeptRequest.Kind.EXPLANATION else "整改并报告整改情况"
    notify.to_department(
        report.department_id,
        f"协调中心请你单位{what}（核实事项 HS{req.pk}）",
        f"请于 {timezone.localtime(due):%Y年%m月%d日} 前在「核实事项」页面回复。",
    )
    return req


@transaction.atomic
def perform(action: str, *, report_id: int, by, data: dict) -> Report:
    """Run an investigator action by name with a dict of inputs (form or JSON)."""
    require_investigator(by)
    report = _lock(report_id)
    rule = check_allowed(report, action, by)
    d, now, before = data or {}, timezone.now(), report.status
    fields, note, public = [], "", True
    if action == "accept":
        report.accepted_at, report.investigator = now, by
        fields = ["accepted_at", "investigator", *_deadlines_on_accept(report, now, CONCLUDE_WORKDAYS)]
        note = _text(d.get("note"), "受理意见", 500, required=False) or "已受理"
    elif action == "reject":
        report.reject_reason = note = _text(d.get("reason"), "不予受理理由", 1000)
        report.closed_at = now
        fields = ["reject_reason", "closed_at"]
    elif action == "investigate":
        report.investigator = by
        fields, note = ["investigator"], "调查核实中"
    elif action == "request_explanation":
        summary = _text(d.get("summary"), "核实事项摘要", 2000)
        req = _dept_request(
            report,
            DeptRequest.Kind.EXPLANATION,
            summary,
            _days(d.get("due_days"), EXPLANATION_WORKDAYS, "说明期限"),
        )
        note, public = f"请被举报单位说明情况（HS{req.pk}）：{summary}", False
    elif action == "extend":
        reason = _text(d.get("reason"), "延期理由", 500)
        report.extended = True
        fields = ["extended", *_deadlines_on_accept(report, report.accepted_at, EXTENDED_WORKDAYS)]
        record(report, "extend_reason", by=by, before=before, note=reason)
        note = f"办理期限延长至 {timezone.localtime(report.conclude_due_at):%Y年%m月%d日}"
    elif action == "conclude":
        outcome = d.get("outcome", "")
        if outcome not in Outcome.values:
            raise InvalidInput("认定结论须为属实、部分属实或不属实", code="invalid_outcome")
        report.outcome, report.concluded_at = outcome, now
        report.finding = _text(d.get("finding"), "认定意见", 5000)
        fields, note = ["outcome", "concluded_at", "finding"], f"认定结论：{Outcome(outcome).label}"
    elif action == "order_rectification":
        text = _text(d.get("requirement"), "整改要求", 2000)
        req = _dept_request(
            report,
            DeptRequest.Kind.RECTIFICATION,
            text,
            _days(d.get("due_days"), RECTIFICATION_WORKDAYS, "整改期限"),
        )
        record(report, "rectification_detail", by=by, before=before, note=f"HS{req.pk}：{text}")
        note = f"已责令被举报单位限期整改（{timezone.localtime(req.due_at):%Y年%m月%d日}前）"
    elif action == "refer":
        text = _text(d.get("note"), "移送说明", 2000)
        Referral.objects.create(report=report, note=text, created_by=by, created_at=now)
        notify.to_jw("协调中心移送问题线索一件", "请到「移送线索」查看。")
        note = "已移送纪检监察机关"
    elif action == "reply":
        report.reply, report.replied_at = _text(d.get("content"), "答复内容", 5000), now
        fields, note = ["reply", "replied_at"], report.reply
    elif action == "close":
        report.closed_at = now
        fields, note = ["closed_at"], _text(d.get("note"), "办结说明", 500, required=False) or "已办结"
    if rule.to is not None:
        report.status = rule.to
        fields.append("status")
    if fields:
        report.save(update_fields=sorted(set(fields)))
    record(report, action, by=by, before=before, note=note, public=public)
    if action in ("accept", "reject", "conclude", "reply"):
        notify.to_reporter_account(crypto.decrypt_identity(report.identity_token).get("user_id"))
    return report


@transaction.atomic
def reveal_identity(*, report_id: int, by, via: str = "page") -> dict:
    """The reporter's identity, for investigators only; every call leaves an IdentityAccess row."""
    require_investigator(by)
    report = _lock(report_id)
    IdentityAccess.objects.create(report=report, user=by, at=timezone.now(), via=via[:20])
    return crypto.decrypt_identity(report.identity_token)


# ---------------------------------------------------------------- the accused department


@transaction.atomic
def dept_answer(*, request_id: int, by, answer: str) -> DeptRequest:
    if not is_dept_user(by) or not isinstance(request_id, int) or not 0 < request_id <= MAX_ID:
        raise NotFound(NOT_FOUND, code="not_found")
    req = (
        DeptRequest.objects.select_for_update().filter(pk=request_id, department_id=by.department_id).first()
    )
    if req is None:
        raise NotFound(NOT_FOUND, code="not_found")
    if req.answered_at is not None:
        raise InvalidInput("该事项已回复", code="already_answered")
    req.answer, req.answered_by, req.answered_at = _text(answer, "回复内容", 5000), by, timezone.now()
    req.save(update_fields=["answer", "answered_by", "answered_at"])
    report = Report.objects.select_for_update().get(pk=req.report_id)
    action = "explanation_received" if req.kind == DeptRequest.Kind.EXPLANATION else "rectification_reported"
    record(report, action, by=by, note=f"HS{req.pk}：{req.answer}")
    notify.to_investigators(f"举报 {report.number}：被举报单位已回复（HS{req.pk}）", email=False)
    return req


ACTION_LABELS = {a: r.label for a, r in RULES.items()} | {
    "submit": "提交举报",
    "warn": "办理期限预警",
    "escalate": "超期督办",
    "extend_reason": "延期理由",
    "rectification_detail": "整改要求",
    "explanation_received": "收到情况说明",
    "rectification_reported": "收到整改报告",
    "dept_overdue": "被举报单位逾期未回复",
}

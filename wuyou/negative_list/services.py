"""Every write to a report, one service per action of the workflow table (transitions.FLOW): lock the
row, check the table, parse the inputs it declares, save, append the event to the report's hash chain in
the same transaction; notification rows ride in the same commit (the worker delivers the outbox).

`check_retaliation` is the one function other modules call (inspections, penalties…)."""

import os
import secrets
from datetime import date, timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from wuyou.core.errors import InvalidInput, NotFound
from wuyou.core.files import MAX_FILES, check_file
from wuyou.core.inputs import MAX_INT, clean_text
from wuyou.core.numbering import daily_number
from wuyou.core.workflow import EXPECTED_STATUS, lock
from wuyou.orgs.access import role_of
from wuyou.orgs.models import Department, Role
from wuyou.orgs.validators import clean_phone
from wuyou.workdays.calendar import workday_deadline

from . import crypto, notify, ratelimit
from .audit import record
from .catalog import current_version
from .models import Action, DeptRequest, Evidence, IdentityAccess, Outcome, Rating, Referral, Report, Status
from .permissions import NOT_FOUND, is_dept_user, is_investigator, require_investigator
from .retaliation import check_retaliation  # noqa: F401  (the public entry point lives here)
from .transitions import (
    ACTION_LABELS,  # noqa: F401  (the pages read the labels from here)
    FLOW,
    AsReporter,
    account_tag,
    reporter_may,  # noqa: F401  (the reporter's pages ask it)
)

A = Action
ACCEPT_WORKDAYS = 1
CONCLUDE_WORKDAYS = 15
EXTENDED_WORKDAYS = 30
WARN_BEFORE_WORKDAYS = 3
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed on phones
MAX_ID = MAX_INT


# ---------------------------------------------------------------- helpers


def _code(n: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(n))


def _lock(report_id) -> Report:
    return lock(Report, report_id, message=NOT_FOUND)


def begin(report_id, actor, action: str, **raw) -> tuple[Report, dict]:
    """Lock, check role, scope, state and guards, then parse the action's inputs — in that order, so
    an outsider learns nothing from an input error (not even that the report exists)."""
    report = _lock(report_id)
    rule = FLOW.check(report, action, actor)
    return report, {i.name: i.clean(raw.get(i.name)) for i in rule.inputs}


def step(report: Report, action: str, by, *, fields=(), note: str = "", public: bool = True) -> Report:
    """Move to the state the table names for this action (or keep it), save, append the event."""
    before, fields = FLOW.apply(report, FLOW.rule(action), fields=fields)
    if fields:
        report.save(update_fields=fields)
    record(report, action, by=by, before=before, note=note, public=public)
    return report


def _tell_reporter(report: Report) -> None:
    # Only an enterprise reporter has an account to tell; anonymous reporters come and look.
    notify.to_reporter_account(crypto.decrypt_identity(report.identity_token).get("user_id"))


def _check_files(files, existing: int = 0) -> list:
    """Every file checked before any is written: (file, content type)."""
    files = list(files or [])
    if len(files) + existing > MAX_FILES:
        raise InvalidInput(f"证据材料最多 {MAX_FILES} 个")
    return [(f, check_file(f)) for f in files]


def _write_files(report: Report, checked, note: str = "") -> int:
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
    exists only for anonymous reports and only in this return value.

    Everything slow or refusable happens before the transaction: the checks, the files' checks, the
    secret's hash and the number (one short upsert of its own, wuyou.core.numbering), so the day's
    counter row is never held through a password hash or file saves."""
    now = now or timezone.now()
    user = by if by is not None and by.is_authenticated else None
    if user is not None and (role_of(user) != Role.ENTERPRISE or not user.enterprise_id):
        raise InvalidInput("只有企业账号可以实名举报；其他人员请退出登录后匿名举报", code="not_enterprise")
    ratelimit.check_report(ip=ip, user=user)  # counted below, only once the report is filed
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
    description = clean_text(description, "事情经过", 5000, min_len=10)
    official = clean_text(official, "涉及人员或岗位", 100, required=False)
    place = clean_text(place, "发生地点", 200, required=False)
    name = clean_text(reporter_name, "姓名", 50, required=False)
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
    checked = _check_files(files)
    secret = None if user is not None else "-".join(_code(4) for _ in range(4))
    secret_hash = make_password(secret) if secret else ""
    number = daily_number("NL", now)
    with transaction.atomic():
        report = Report.objects.create(
            number=number,
            tracking_code="JB" + _code(10),
            secret_hash=secret_hash,
            anonymous=user is None,
            department=dept,
            official=official,
            occurred_on=day,
            place=place,
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
        _write_files(report, checked)
        record(report, A.SUBMIT, before=Status.SUBMITTED, note="举报已提交", public=True, at=now, first=True)
        notify.to_investigators(f"新举报 {report.number} 待受理", "请在 1 个工作日内受理。")
    ratelimit.count_report(ip=ip, user=user)
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


# The reporter's events carry no actor: the account that filed an enterprise report must not be
# written next to the report's time line, where every investigator reads it.


@transaction.atomic
def report_rate(
    *, report_id: int, by=None, secret_ok: bool = False, rating: str, comment: str = ""
) -> Report:
    """The reporter rates the reply (signed in as the filing account, or `secret_ok` after the secret)."""
    report, v = begin(report_id, AsReporter(by, secret_ok), A.RATE, rating=rating, comment=comment)
    report.rating, report.rating_comment, report.closed_at = v["rating"], v["comment"], timezone.now()
    label = Rating(v["rating"]).label
    step(report, A.RATE, None, fields=["rating", "rating_comment", "closed_at"], note=label)
    notify.to_investigators(f"举报 {report.number} 举报人已评价：{label}", email=False)
    return report


@transaction.atomic
def report_add_material(
    *, report_id: int, by=None, secret_ok: bool = False, text: str = "", files=()
) -> Report:
    report, v = begin(report_id, AsReporter(by, secret_ok), A.ADD_MATERIAL, text=text)
    files = list(files or [])
    if not v["text"] and not files:
        raise InvalidInput("补充说明不能为空", code="text_required")
    n = _write_files(report, _check_files(files, report.evidence.count()), note=v["text"])
    step(report, A.ADD_MATERIAL, None, note=v["text"] + (f"（附件 {n} 个）" if n else ""))
    notify.to_investigators(f"举报 {report.number} 举报人补充了材料", email=False)
    return report


def reporter_act(*, report_id: int, action: str, user=None, secret_ok: bool = False, data: dict, files=()):
    """The reporter's pages and API: run a reporter action by name with the posted inputs."""
    data = data or {}
    if action == A.RATE:
        return report_rate(
            report_id=report_id,
            by=user,
            secret_ok=secret_ok,
            rating=data.get("rating"),
            comment=data.get("comment"),
        )
    if action == A.ADD_MATERIAL:
        return report_add_material(
            report_id=report_id, by=user, secret_ok=secret_ok, text=data.get("text"), files=files
        )
    raise NotFound(NOT_FOUND, code="not_found")


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
def report_accept(*, report_id: int, by, note: str = "") -> Report:
    report, v = begin(report_id, by, A.ACCEPT, note=note)
    now = timezone.now()
    report.accepted_at, report.investigator = now, by
    fields = ["accepted_at", "investigator", *_deadlines_on_accept(report, now, CONCLUDE_WORKDAYS)]
    step(report, A.ACCEPT, by, fields=fields, note=v["note"] or "已受理")
    _tell_reporter(report)
    return report


@transaction.atomic
def report_reject(*, report_id: int, by, reason: str) -> Report:
    report, v = begin(report_id, by, A.REJECT, reason=reason)
    report.reject_reason, report.closed_at = v["reason"], timezone.now()
    step(report, A.REJECT, by, fields=["reject_reason", "closed_at"], note=v["reason"])
    _tell_reporter(report)
    return report


@transaction.atomic
def report_investigate(*, report_id: int, by) -> Report:
    report, _ = begin(report_id, by, A.INVESTIGATE)
    report.investigator = by
    return step(report, A.INVESTIGATE, by, fields=["investigator"], note="调查核实中")


@transaction.atomic
def report_request_explanation(*, report_id: int, by, summary: str, due_days=None) -> Report:
    """The department sees only `summary`, in the investigator's redacted words; the reporter does not
    see the step at all."""
    report, v = begin(report_id, by, A.REQUEST_EXPLANATION, summary=summary, due_days=due_days)
    req = _dept_request(report, DeptRequest.Kind.EXPLANATION, v["summary"], v["due_days"])
    note = f"请被举报单位说明情况（HS{req.pk}）：{v['summary']}"
    return step(report, A.REQUEST_EXPLANATION, by, note=note, public=False)


@transaction.atomic
def report_extend(*, report_id: int, by, reason: str) -> Report:
    report, v = begin(report_id, by, A.EXTEND, reason=reason)
    report.extended = True
    fields = ["extended", *_deadlines_on_accept(report, report.accepted_at, EXTENDED_WORKDAYS)]
    # The reason stays internal; the reporter sees only the new time limit.
    record(report, A.EXTEND_REASON, by=by, note=v["reason"])
    note = f"办理期限延长至 {timezone.localtime(report.conclude_due_at):%Y年%m月%d日}"
    return step(report, A.EXTEND, by, fields=fields, note=note)


@transaction.atomic
def report_conclude(*, report_id: int, by, outcome: str, finding: str) -> Report:
    report, v = begin(report_id, by, A.CONCLUDE, outcome=outcome, finding=finding)
    report.outcome, report.finding, report.concluded_at = v["outcome"], v["finding"], timezone.now()
    note = f"认定结论：{Outcome(v['outcome']).label}"
    step(report, A.CONCLUDE, by, fields=["outcome", "concluded_at", "finding"], note=note)
    _tell_reporter(report)
    return report


@transaction.atomic
def report_order_rectification(*, report_id: int, by, requirement: str, due_days=None) -> Report:
    report, v = begin(report_id, by, A.ORDER_RECTIFICATION, requirement=requirement, due_days=due_days)
    req = _dept_request(report, DeptRequest.Kind.RECTIFICATION, v["requirement"], v["due_days"])
    record(report, A.RECTIFICATION_DETAIL, by=by, note=f"HS{req.pk}：{v['requirement']}")
    note = f"已责令被举报单位限期整改（{timezone.localtime(req.due_at):%Y年%m月%d日}前）"
    return step(report, A.ORDER_RECTIFICATION, by, note=note)


@transaction.atomic
def report_refer(*, report_id: int, by, note: str) -> Report:
    report, v = begin(report_id, by, A.REFER, note=note)
    Referral.objects.create(report=report, note=v["note"], created_by=by, created_at=timezone.now())
    notify.to_jw("协调中心移送问题线索一件", "请到「移送线索」查看。")
    return step(report, A.REFER, by, note="已移送纪检监察机关")


@transaction.atomic
def report_reply(*, report_id: int, by, content: str) -> Report:
    report, v = begin(report_id, by, A.REPLY, content=content)
    report.reply, report.replied_at = v["content"], timezone.now()
    step(report, A.REPLY, by, fields=["reply", "replied_at"], note=v["content"])
    _tell_reporter(report)
    return report


@transaction.atomic
def report_close(*, report_id: int, by, note: str = "") -> Report:
    report, v = begin(report_id, by, A.CLOSE, note=note)
    report.closed_at = timezone.now()
    return step(report, A.CLOSE, by, fields=["closed_at"], note=v["note"] or "已办结")


SERVICES = {
    A.ACCEPT: report_accept,
    A.REJECT: report_reject,
    A.INVESTIGATE: report_investigate,
    A.REQUEST_EXPLANATION: report_request_explanation,
    A.EXTEND: report_extend,
    A.CONCLUDE: report_conclude,
    A.ORDER_RECTIFICATION: report_order_rectification,
    A.REFER: report_refer,
    A.REPLY: report_reply,
    A.CLOSE: report_close,
}
REPORTER_SERVICES = {A.RATE: report_rate, A.ADD_MATERIAL: report_add_material}
assert set(SERVICES) | set(REPORTER_SERVICES) == set(FLOW.actions()), "one service per action people take"


def perform(action: str, *, report_id: int, by, data: dict) -> Report:
    """Run an investigator action by name with a dict of raw inputs (form or JSON); the service
    validates them after its checks. Anyone but an investigator learns nothing, not even the actions."""
    if action not in SERVICES:
        if not is_investigator(by):
            raise NotFound(NOT_FOUND, code="not_found")
        raise NotFound(f"未知操作：{action}", code="unknown_action")
    data = data or {}
    raw = FLOW.service_inputs(action, data)
    # The kernel refuses with 409 stale_state when the report changed since the caller looked.
    with FLOW.expecting(report_id, data.get(EXPECTED_STATUS)):
        return SERVICES[action](report_id=report_id, by=by, **raw)


def _security_event(user, request, note: str) -> None:
    from wuyou.orgs import auth_events

    auth_events.record("identity_revealed", user=user, request=request, note=note)


@transaction.atomic
def reveal_identity(*, report_id: int, by, reason, via: str = "page", request=None) -> dict:
    """The reporter's identity, for investigators only and with a stated reason; every call leaves an
    IdentityAccess row, a row on the audit page (the reason as its note) and a security event. The caller
    has re-authenticated the user (a recent 「验证身份」 on the page, the password in the API body)."""
    require_investigator(by)
    reason = clean_text(reason, "查看理由", 500, required=True, field="reason")
    report = _lock(report_id)
    IdentityAccess.objects.create(report=report, user=by, at=timezone.now(), via=via[:20])
    from wuyou.core.audit import record_change

    # By number only: the audit page's readers are not investigators and must learn nothing more.
    record_change(
        by=by,
        action="nl_report.identity_revealed",
        subject=("negative_list.report", report.pk, f"举报 {report.number}"),
        note=reason,
    )
    _security_event(by, request, f"举报 {report.number}（{via}）：{reason}")
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
    req.answer, req.answered_by, req.answered_at = clean_text(answer, "回复内容", 5000), by, timezone.now()
    req.save(update_fields=["answer", "answered_by", "answered_at"])
    report = Report.objects.select_for_update().get(pk=req.report_id)
    action = A.EXPLANATION_RECEIVED if req.kind == DeptRequest.Kind.EXPLANATION else A.RECTIFICATION_REPORTED
    record(report, action, by=by, note=f"HS{req.pk}：{req.answer}")
    notify.to_investigators(f"举报 {report.number}：被举报单位已回复（HS{req.pk}）", email=False)
    return req

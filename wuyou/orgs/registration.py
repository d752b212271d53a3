"""Enterprise accounts (issue 10): self-registration, password reset by SMS, the enterprise's own users.

Registration. The credit code must be in the enterprise register (a public register: saying a code is not
in it tells nothing secret). A code goes by SMS to the phone typed. Once it is verified the account exists:
- the phone is the contact phone the register holds → opened at once;
- the register holds no phone, or another one → inactive until the center approves it (FLOW below).
Only after the code is verified is the registrant told whether the phone matched: nobody learns an
enterprise's contact phone by trying numbers. Self-registration is open while the enterprise has no active
enterprise administrator; the registrant whose account opens first becomes it (企业管理员). Later users are
added by that administrator.

The administrator is a flag on the user (User.is_enterprise_admin), not a role: every rule written for
enterprise users (their appeals, intake limits, reports by name, the longer idle time, the refusal matrix)
keeps applying to them unchanged, and the flag only adds the management of their own enterprise's users.

Password reset by SMS, for enterprise accounts: the answer to "send me a code" is the same whether or not
the name or phone has an account, the limits a visitor can see count what was typed (and the address),
and a wrong code for an unknown account gets the same words as for a real one.
"""

import unicodedata

import phonenumbers
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from wuyou.accounts import passwords
from wuyou.core import throttle
from wuyou.core.clientaddr import client_address
from wuyou.core.errors import Forbidden, InvalidInput, NotFound
from wuyou.core.workflow import Input, Rule, Workflow, lock

from . import access, auth_events, sms_codes
from .access import Role, has_role, role_of
from .models import Enterprise, Registration, SmsCode, User
from .validators import clean_phone, clean_uscc

S = Registration.Status
P = SmsCode.Purpose

SEND_TOO_OFTEN = "获取验证码过于频繁，请稍后再试。"
# Registration: the phone is the registrant's own, so the page may say which of these it is.
CODE_WRONG = "验证码不正确，还可再试 {left} 次。"
CODE_DEAD = "验证码已失效（超过 10 分钟、已使用或错误次数过多），请重新获取。"
# Reset: one sentence for a wrong code, an expired one and an account that does not exist.
RESET_CODE_BAD = "验证码不正确或已失效，请核对后重试，或重新获取验证码。"
RESET_SENT = "如果该账号存在并绑定了手机，验证码已发送到其手机，10 分钟内有效。"


class FieldError(InvalidInput):
    """Bad input of one form field (`field` None: the whole form); the page shows it beside the field."""

    def __init__(self, field: str | None, message: str, code: str | None = None):
        super().__init__(message, code)
        self.field = field


# ---------------------------------------------------------------- inputs


def tolerant(value) -> str:
    """Full-width letters and digits to ASCII, spaces and dashes out (codes are typed on phones)."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return "".join(c for c in text if c not in " -\u3000\t")


def clean_mobile(value, field: str = "phone") -> str:
    """A mainland mobile number (SMS goes only to mobiles), in the register's form (13812341234)."""
    raw = tolerant(value)
    if raw.startswith("+86"):
        raw = raw[3:]
    try:
        phone = clean_phone(raw)
    except ValidationError as exc:
        raise FieldError(field, "请填写正确的手机号码（11 位）", code="invalid_phone") from exc
    number = phonenumbers.parse(phone, "CN")
    kind = phonenumbers.number_type(number)
    if number.country_code != 86 or kind not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise FieldError(field, "请填写手机号码：验证码只能通过短信发送到手机", code="not_mobile")
    return phone


def _register_phone(enterprise: Enterprise) -> str:
    try:
        return clean_phone(tolerant(enterprise.contact_phone)) if enterprise.contact_phone else ""
    except ValidationError:
        return ""


def _check_username(username: str) -> str:
    username = (username or "").strip()
    if not username:
        raise FieldError("username", "请填写用户名", code="username_required")
    if len(username) > 30:
        raise FieldError("username", "用户名不能超过 30 个字符", code="username_too_long")
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise FieldError(
            "username", "用户名只能包含字母、数字、汉字和 @ . + - _", code="username_invalid"
        ) from None
    if User.objects.filter(username__iexact=username).exists():
        raise FieldError("username", "该用户名已被使用，请换一个", code="username_taken")
    return username


def _check_password(password: str, user, field: str = "password1") -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise FieldError(field, " ".join(exc.messages), code="password_invalid") from None


def manages_enterprise(user) -> bool:
    """An active enterprise user flagged 企业管理员 of an enterprise."""
    return bool(
        has_role(user, access.ENTERPRISE)
        and user.enterprise_id
        and getattr(user, "is_enterprise_admin", False)
    )


def has_admin(enterprise_id) -> bool:
    return User.objects.filter(
        enterprise_id=enterprise_id, role=Role.ENTERPRISE, is_active=True, is_enterprise_admin=True
    ).exists()


def _send_or_refuse(quotas, message: str = SEND_TOO_OFTEN) -> None:
    try:
        throttle.check_quotas(quotas, message)
    except throttle.RateLimited as exc:
        raise FieldError(None, exc.message, code="rate_limited") from None


# ---------------------------------------------------------------- registration


def registration_start(*, uscc, phone, name, request) -> dict:
    """Step 1: check the credit code against the register and send a code to the phone. Returns what the
    session keeps for step 2 (and, in demo mode only, the code to show)."""
    try:
        code = clean_uscc(tolerant(uscc))
    except ValidationError as exc:
        raise FieldError("uscc", " ".join(exc.messages), code="invalid_uscc") from None
    enterprise = Enterprise.objects.filter(uscc=code).first()
    if enterprise is None:
        raise FieldError(
            "uscc",
            "该统一社会信用代码不在企业名录中。请核对，或联系协调中心将企业登记入名录。",
            code="not_in_register",
        )
    if has_admin(enterprise.pk):
        raise FieldError(
            "uscc",
            "该企业已开通账号并有企业管理员，请联系本企业管理员为您添加账号。",
            code="enterprise_has_admin",
        )
    phone = clean_mobile(phone)
    name = (name or "").strip()
    if not name or len(name) > 30:
        raise FieldError("name", "请填写您的姓名（30 字以内）", code="name_required")
    quotas = sms_codes.send_quotas("phone", phone) + sms_codes.send_quotas("address", client_address(request))
    _send_or_refuse(quotas)
    row, raw = sms_codes.issue(P.REGISTER, phone)
    throttle.count_quotas(quotas)
    text = (
        f"您正在注册无忧平台企业账号（{enterprise.name}），验证码 {raw}，10 分钟内有效。如非本人操作请忽略。"
    )
    if not sms_codes.deliver(phone, text):
        raise FieldError(None, "短信发送失败，请稍后重试。", code="sms_failed")
    state = {"token": row.token, "uscc": enterprise.uscc, "phone": phone, "name": name}
    return {"state": state, "enterprise": enterprise, "demo_code": raw if settings.DEMO else ""}


def registration_complete(*, state: dict, code, username, password, request, now=None) -> Registration:
    """Step 2: the code, a user name and a password. The account is created in one transaction with the
    code's use: open and administrator when the phone is the register's, else waiting for the center."""
    now = now or timezone.now()
    enterprise = Enterprise.objects.filter(uscc=state.get("uscc", "")).first()
    phone = state.get("phone", "")
    row = sms_codes.live(P.REGISTER, phone, token=state.get("token", ""), now=now)
    if enterprise is None or row is None:
        raise FieldError("code", CODE_DEAD, code="code_dead")
    username = _check_username(username)
    _check_password(password, User(username=username, first_name=state.get("name", ""), phone=phone))
    result = sms_codes.check(row, code, now=now)
    if result == sms_codes.DEAD:
        raise FieldError("code", CODE_DEAD, code="code_dead")
    if result == sms_codes.WRONG:
        left = sms_codes.tries_left(row)
        if not left:
            auth_events.record("sms_code_exhausted", username=phone, request=request, note="企业注册")
            raise FieldError("code", CODE_DEAD, code="code_dead")
        raise FieldError("code", CODE_WRONG.format(left=left), code="code_wrong")
    matches = bool(_register_phone(enterprise)) and _register_phone(enterprise) == phone
    try:
        with transaction.atomic():
            Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()  # one first admin
            if not sms_codes.use(row, now=now):
                raise FieldError("code", CODE_DEAD, code="code_dead")
            if has_admin(enterprise.pk):
                raise FieldError(
                    None,
                    "该企业刚刚已由他人开通并设有企业管理员，请联系其为您添加账号。",
                    code="enterprise_has_admin",
                )
            user = User.objects.create_user(
                username=username,
                password=password,
                role=Role.ENTERPRISE,
                enterprise=enterprise,
                phone=phone,
                first_name=state.get("name", "")[:150],
                is_active=matches,
                is_enterprise_admin=matches,
            )
            registration = Registration.objects.create(
                user=user,
                enterprise=enterprise,
                phone=phone,
                phone_matches=matches,
                status=S.APPROVED if matches else S.PENDING,
                created_at=now,
                decided_at=now if matches else None,
                reason="手机号与企业名录联系电话一致，自动开通" if matches else "",
            )
            auth_events.record(
                "registered",
                user=user,
                request=request,
                note=f"{enterprise.name}：" + ("自动开通，企业管理员" if matches else "待协调中心审核"),
            )
    except IntegrityError:
        raise FieldError("username", "该用户名已被使用，请换一个", code="username_taken") from None
    return registration


FLOW = Workflow(
    "registration",
    [
        Rule("approve", "批准注册", frozenset({S.PENDING}), to=S.APPROVED, roles=access.CENTER),
        Rule(
            "reject",
            "驳回注册",
            frozenset({S.PENDING}),
            to=S.REJECTED,
            roles=access.CENTER,
            inputs=(Input("reason", "驳回理由", required=True, max_len=200),),
        ),
    ],
    role_of=role_of,
    noun="注册申请",
    state_label=lambda s: S(s).label if s in S.values else s,
)


def pending_registrations():
    return (
        Registration.objects.filter(status=S.PENDING)
        .select_related("user", "enterprise", "enterprise__district")
        .order_by("created_at", "pk")
    )


def registration_decide(*, registration_id, action: str, by, data=None, request=None, login_url: str = ""):
    """The center approves (the account opens; it becomes the enterprise's administrator unless one
    exists by now) or rejects (with a reason) a registration that waits. `data` may carry
    expected_status (409 stale_state when it was decided meanwhile). The registrant is told by SMS."""
    data = data or {}
    with FLOW.expecting(registration_id, data.get("expected_status")), transaction.atomic():
        reg = lock(Registration, registration_id, message="注册申请不存在")
        rule = FLOW.check(reg, action, by)
        inputs = FLOW.clean_inputs(action, data)
        user = User.objects.select_for_update().get(pk=reg.user_id)
        Enterprise.objects.select_for_update().filter(pk=reg.enterprise_id).first()
        FLOW.apply(reg, rule, inputs=inputs)
        reg.decided_at, reg.decided_by = timezone.now(), by
        if action == "approve":
            user.is_enterprise_admin = not has_admin(reg.enterprise_id)
            user.is_active = True
            user.save(update_fields=["is_active", "is_enterprise_admin"])
            reg.reason = "协调中心审核通过"
        else:
            reg.reason = inputs["reason"]
        reg.save(update_fields=["status", "decided_at", "decided_by", "reason"])
        auth_events.record(
            "registration_approved" if action == "approve" else "registration_rejected",
            user=user,
            request=request,
            note=f"{reg.enterprise.name}"
            + ("（企业管理员）" if user.is_enterprise_admin else f"：{reg.reason}"),
        )
    if action == "approve":
        text = f"您的无忧平台企业账号 {user.username} 已审核通过，请登录：{login_url}"
    else:
        text = f"您的无忧平台企业注册申请未通过：{reg.reason}。如有疑问请联系协调中心。"
    sms_codes.deliver(reg.phone, text)
    return reg


# ---------------------------------------------------------------- password reset


def reset_account(identifier) -> User | None:
    """The active enterprise account named by a user name or a phone bound to exactly one account."""
    ident = (identifier or "").strip()
    if not ident or len(ident) > 150:
        return None
    accounts = User.objects.filter(
        role=Role.ENTERPRISE, is_superuser=False, is_active=True, enterprise__isnull=False
    )
    user = accounts.filter(username=ident).first()
    if user is not None:
        return user if user.phone else None
    try:
        phone = clean_mobile(ident)
    except FieldError:
        return None
    found = list(accounts.filter(phone=phone)[:2])
    return found[0] if len(found) == 1 else None


def reset_start(*, identifier, request) -> dict:
    """Send a reset code to the account's phone, if there is such an account. The page's answer is the same
    either way; only the demo mode shows the code (and so tells)."""
    ident = (identifier or "").strip()
    if not ident:
        raise FieldError("identifier", "请填写用户名或手机号", code="identifier_required")
    visible = sms_codes.send_quotas("ident", tolerant(ident).lower()) + sms_codes.send_quotas(
        "address", client_address(request)
    )
    _send_or_refuse(visible)
    throttle.count_quotas(visible)
    user = reset_account(ident)
    demo_code = ""
    if user is not None:
        # The phone's own limits are kept silently: refusing here would tell that the account exists.
        phone_quotas = sms_codes.send_quotas("phone", user.phone)
        if sms_codes.quota_left(phone_quotas):
            throttle.count_quotas(phone_quotas)
            row, raw = sms_codes.issue(P.RESET, user.phone)
            sms_codes.deliver(
                user.phone, f"您正在重置无忧平台账号密码，验证码 {raw}，10 分钟内有效。请勿告诉他人。"
            )
            demo_code = raw if settings.DEMO else ""
    return {"identifier": ident, "demo_code": demo_code}


def reset_complete(*, identifier, code, password, request, now=None) -> User:
    """The code and a new password (the 等保 rules, none of the last five). The same refusal for a wrong
    code, a dead one and no such account."""
    now = now or timezone.now()
    _check_password(password, None)  # the rules that need no account: the same for everyone
    user = reset_account(identifier)
    row = sms_codes.live(P.RESET, user.phone, now=now) if user is not None else None
    result = sms_codes.check(row, code, now=now)
    if result != sms_codes.OK:
        if row is not None and result == sms_codes.WRONG and not sms_codes.tries_left(row):
            auth_events.record("sms_code_exhausted", user=user, request=request, note="重置密码")
        raise FieldError("code", RESET_CODE_BAD, code="code_bad")
    _check_password(password, user)  # now the history: only the phone's holder gets this far
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not sms_codes.use(row, now=now):
            raise FieldError("code", RESET_CODE_BAD, code="code_bad")
        user.set_password(password)
        user.failed_logins, user.locked_until = 0, None  # the phone's holder is not the one guessing
        user.save()
        passwords.changed_by_self(user)
        auth_events.record("password_reset_sms", user=user, request=request)
    return user


# ---------------------------------------------------------------- the enterprise's own users


def require_manager(user) -> None:
    if not manages_enterprise(user):
        raise Forbidden("只有企业管理员可以管理本企业的用户", code="forbidden")


def enterprise_users(by):
    """The users of the administrator's own enterprise; nobody else's."""
    require_manager(by)
    return (
        User.objects.filter(enterprise_id=by.enterprise_id, role=Role.ENTERPRISE)
        .select_related("registration")
        .order_by("-is_active", "-is_enterprise_admin", "username")
    )


def _own_user(by, user_id) -> User:
    require_manager(by)
    user = (
        User.objects.select_for_update()
        .filter(pk=user_id, enterprise_id=by.enterprise_id, role=Role.ENTERPRISE)
        .first()
    )
    if user is None:
        raise NotFound("用户不存在", code="not_found")  # another enterprise's user: not confirmed
    return user


def user_add(*, by, name, phone, username="", request=None, activate_url: str = "") -> tuple[User, str]:
    """Add a user to the administrator's enterprise: no password yet; an SMS invitation carries a code
    (10 minutes; the page it links to sends a new one) with which they set their own password."""
    require_manager(by)
    name = (name or "").strip()
    if not name or len(name) > 30:
        raise FieldError("name", "请填写姓名（30 字以内）", code="name_required")
    phone = clean_mobile(phone)
    username = _check_username(username or phone)
    quotas = sms_codes.send_quotas("phone", phone) + sms_codes.send_quotas("address", client_address(request))
    _send_or_refuse(quotas)
    try:
        with transaction.atomic():
            user = User(
                username=username,
                first_name=name,
                role=Role.ENTERPRISE,
                enterprise_id=by.enterprise_id,
                phone=phone,
            )
            user.set_unusable_password()
            user.save()
            auth_events.record("user_added", user=user, request=request, note=f"{by.enterprise.name}")
    except IntegrityError:
        raise FieldError("username", "该用户名已被使用，请换一个", code="username_taken") from None
    throttle.count_quotas(quotas)
    row, raw = sms_codes.issue(P.RESET, phone)
    sms_codes.deliver(
        phone,
        f"{by.enterprise.name}的企业管理员为您开通了无忧平台账号，用户名 {username}。请在 10 分钟内打开 "
        f"{activate_url} 输入验证码 {raw} 设置密码（过期可在该页重新获取）。",
    )
    return user, (raw if settings.DEMO else "")


def user_remove(*, by, user_id, request=None) -> User:
    """Deactivate a user of the administrator's own enterprise (their tokens and sessions end with it)."""
    with transaction.atomic():
        user = _own_user(by, user_id)
        if user.pk == by.pk:
            raise FieldError(None, "不能停用自己的账号", code="self")
        if not user.is_active:
            raise FieldError(
                None, f"{user.get_full_name() or user.username} 已经停用", code="already_inactive"
            )
        user.is_active = False
        user.save(update_fields=["is_active"])
        auth_events.record("user_removed", user=user, request=request, note=f"{by.enterprise.name}")
    return user

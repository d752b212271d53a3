from datetime import datetime

from django.contrib.auth import authenticate
from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from wuyou.accounts import passwords, twofactor
from wuyou.core import throttle
from wuyou.core.errors import DomainError, InvalidInput
from wuyou.core.paging import object_id
from wuyou.orgs import auth_events, second_factor, tokens
from wuyou.orgs.models import ApiToken, User, hash_token

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str = ""  # the two-factor code (or a recovery code) of users who have two-factor login
    label: str = ""  # what the token is for (a client's name), shown when tokens are listed


class TokenOut(Schema):
    token: str
    expires_at: datetime


class TokenRow(Schema):
    id: int
    label: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime
    current: bool  # the token this request came with


class EnterpriseRef(Schema):
    uscc: str
    name: str


class MeOut(Schema):
    username: str
    name: str
    role: str
    department: str | None
    enterprise: EnterpriseRef | None


class Unauthorized(DomainError):
    status = 401
    code = "invalid_credentials"


class Throttled(DomainError):
    status = 429
    code = "throttled"

    def __init__(self, seconds: float):
        self.retry_after = throttle.retry_after(seconds)
        super().__init__(f"尝试次数过多，请 {self.retry_after} 秒后再试")


@router.post("/auth/token", auth=None, response={200: TokenOut}, summary="用户名密码换取令牌")
def issue_token(request, payload: TokenIn):
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None and getattr(request, "login_throttled", None):
        # Held back by name or address, before any password check: the same for real and unknown names.
        raise Throttled(request.login_throttled)
    if user is None:
        # One answer for unknown, locked and wrong: none tells an attacker which accounts exist.
        auth_events.record("login_failed", username=payload.username, request=request, note="api")
        raise Unauthorized("用户名或密码错误")
    # The API is no way around the second factor the pages ask for.
    if twofactor.enabled(user):
        if not second_factor.check_code(request, user, payload.otp, "api"):
            raise Unauthorized("两步验证码不正确或已使用过", code="otp_invalid")
    elif twofactor.required(user):
        raise Unauthorized("该账号须先在网页上设置两步验证", code="otp_enrolment_required")
    if passwords.must_change(user):
        # An initial or reset password is replaced on the pages first; a token must not outlive it.
        raise Unauthorized("须先在网页上修改初始密码", code="password_change_required")
    label = payload.label.strip()
    with transaction.atomic():
        # The password was checked a hash's time ago: a password change or deactivation since then has
        # already revoked every token, and would miss this one. Under the row lock, the account must be
        # as it was checked; a change waiting on the lock revokes this token after we commit.
        now = User.objects.select_for_update().filter(pk=user.pk).values_list("password", "is_active").first()
        if now != (user.password, True):
            raise Unauthorized("用户名或密码错误")
        token = ApiToken.issue(user, label=label)
    auth_events.record("token_issued", user=user, request=request, note=label[:100] or "api")
    expires_at = ApiToken.objects.values_list("expires_at", flat=True).get(key_hash=hash_token(token))
    return {"token": token, "expires_at": expires_at}


@router.get("/auth/tokens", response=list[TokenRow], summary="我的有效令牌")
def list_tokens(request):
    current = getattr(getattr(request, "api_token", None), "pk", None)
    return [
        {
            "id": t.pk,
            "label": t.label,
            "created_at": t.created_at,
            "last_used_at": t.last_used_at,
            "expires_at": t.expires_at,
            "current": t.pk == current,
        }
        for t in tokens.live(request.user)
    ]


@router.delete("/auth/token", response={204: None}, summary="吊销本次请求所用的令牌")
def revoke_current_token(request):
    token = getattr(request, "api_token", None)
    if token is None:
        raise InvalidInput("本请求未使用令牌（网页登录请用退出登录）", code="no_token")
    tokens.revoke(token, request=request, note=f"token={token.pk} self")
    return 204, None


@router.delete("/auth/tokens/{token_id}", response={204: None}, summary="吊销自己的某个令牌")
def revoke_token(request, token_id: str):
    # Someone else's token is "not found", like one that does not exist.
    token = get_object_or_404(tokens.live(request.user), pk=object_id(token_id))
    tokens.revoke(token, request=request)
    return 204, None


@router.get("/me", response=MeOut, summary="当前用户")
def me(request):
    u = request.user
    return {
        "username": u.username,
        "name": u.get_full_name() or u.username,
        "role": u.role,
        "department": u.department.code if u.department_id else None,
        "enterprise": {"uscc": u.enterprise.uscc, "name": u.enterprise.name} if u.enterprise_id else None,
    }

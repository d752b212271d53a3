from django.contrib.auth import authenticate
from ninja import Router, Schema

from wuyou.accounts import twofactor
from wuyou.core.errors import DomainError
from wuyou.orgs import auth_events
from wuyou.orgs.models import ApiToken

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str = ""  # the two-factor code (or a recovery code) of users who have two-factor login


class TokenOut(Schema):
    token: str


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


@router.post("/auth/token", auth=None, response={200: TokenOut}, summary="用户名密码换取令牌")
def issue_token(request, payload: TokenIn):
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        # One answer for unknown, locked and wrong: none tells an attacker which accounts exist.
        auth_events.record("login_failed", username=payload.username, request=request, note="api")
        raise Unauthorized("用户名或密码错误")
    # The API is no way around the second factor the pages ask for.
    if twofactor.enabled(user):
        if not twofactor.verify(user, payload.otp):
            auth_events.record("twofactor_failed", user=user, request=request, note="api")
            raise Unauthorized("两步验证码不正确或已使用过", code="otp_invalid")
    elif twofactor.required(user):
        raise Unauthorized("该账号须先在网页上设置两步验证", code="otp_enrolment_required")
    token = ApiToken.issue(user)
    auth_events.record("token_issued", user=user, request=request, note="api")
    return {"token": token}


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

from django.contrib.auth import authenticate
from ninja import Router, Schema

from wuyou.core.errors import DomainError
from wuyou.orgs.models import ApiToken

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str


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
        if getattr(request, "login_locked", False):
            raise Unauthorized("登录失败次数过多，账号已暂时锁定，请稍后再试", code="account_locked")
        raise Unauthorized("用户名或密码错误")
    return {"token": ApiToken.issue(user)}


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

"""The JSON API at /api/v1/: one NinjaAPI, routers from the apps, one error format {"code", "message"}."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, django_auth

from wuyou.core import jsonbody
from wuyou.core.errors import DomainError, InvalidInput
from wuyou.orgs.models import ApiToken, hash_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        now = timezone.now()
        # [:1], not .first(): key_hash is unique, and .first() would add an ORDER BY to compile.
        # A token past its lifetime is refused here at once; the worker deletes it later.
        rows = ApiToken.objects.select_related("user", "user__department", "user__enterprise").filter(
            key_hash=hash_token(token), expires_at__gt=now
        )[:1]
        row = rows[0] if rows else None
        if row is None or not row.user.is_active:
            return None
        # Write the last-use stamp at most once a minute so reads stay reads.
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        request.api_token = row  # DELETE /auth/token revokes the token the call came with
        return row.user


AUTH = [TokenAuth(), django_auth]


class BoundedParser(Parser):
    """Bodies through core.jsonbody (size, depth, NaN, lone surrogates and NUL refused); query strings and
    form fields refuse lone surrogates and NUL too, so no text that cannot be stored reaches a view."""

    def parse_body(self, request):
        return jsonbody.loads(request.body)

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        for value in result.values():
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, str) and jsonbody.BAD_TEXT.search(v):
                    raise InvalidInput("参数含有无法识别的字符（如 NUL）", code="invalid_text")
        return result


api = NinjaAPI(
    title="Wuyou 无忧 API",
    version="1",
    urls_namespace="api",
    auth=AUTH,
    parser=BoundedParser(),
    docs_url="/docs",
    description="企业诉求闭环接口。认证：POST /api/v1/auth/token 取得令牌，之后使用 Authorization: Bearer <token>。",
)


def error(request, status: int, code: str, message: str):
    return api.create_response(request, {"code": code, "message": message}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    response = error(request, exc.status, exc.code, exc.message)
    if getattr(exc, "retry_after", None):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(DjangoValidationError)
def on_django_validation(request, exc: DjangoValidationError):
    code = getattr(exc, "code", None) or "invalid_input"
    return error(request, 400, code, "；".join(exc.messages))


@api.exception_handler(NinjaValidationError)
def on_validation(request, exc: NinjaValidationError):
    parts = []
    for err in exc.errors[:5]:
        loc = ".".join(str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "path"))
        parts.append(f"{loc}: {err.get('msg', '')}" if loc else str(err.get("msg", "")))
    return error(request, 422, "validation_error", "请求参数不正确：" + "；".join(parts))


@api.exception_handler(DataError)
@api.exception_handler(OverflowError)
def on_out_of_range(request, exc):
    # An id or number beyond what the database column holds names nothing that exists.
    return error(request, 400, "out_of_range", "参数超出允许范围")


@api.exception_handler(AuthenticationError)
def on_auth(request, exc):
    return error(request, 401, "unauthorized", "未登录或令牌无效")


@api.exception_handler(Http404)
def on_404(request, exc):
    return error(request, 404, "not_found", "对象不存在或无权查看")


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, DomainError):  # ninja wraps the parser's refusal: answer with its own code
        return on_domain_error(request, exc.__cause__)
    codes = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict"}
    return error(request, exc.status_code, codes.get(exc.status_code, "error"), str(exc))


def register_routers():
    from wuyou.appeals.api import router as appeals_router
    from wuyou.appeals.api_stats import router as stats_router
    from wuyou.dispatch.api import router as dispatch_router
    from wuyou.negative_list.api import router as negative_list_router
    from wuyou.notifications.api import router as notifications_router
    from wuyou.orgs.api import router as orgs_router
    from wuyou.workdays.api import router as calendar_router

    api.add_router("/", orgs_router)
    # Before the appeals router: GET /appeals/{id}/suggestions must not fall into POST /appeals/{id}/{action}.
    api.add_router("/", dispatch_router)
    api.add_router("/", negative_list_router)
    api.add_router("/appeals", appeals_router)
    api.add_router("/stats", stats_router)
    api.add_router("/calendar", calendar_router)
    api.add_router("/notifications", notifications_router)


register_routers()

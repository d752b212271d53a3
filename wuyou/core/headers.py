"""Security headers on every response (issue 9, item 9).

- ``Cache-Control: no-store`` (and ``Pragma: no-cache``) on every response to a signed-in user, to an API call
  that carried an ``Authorization`` header, and on sensitive pages even for anonymous visitors (login and
  two-factor steps, report submission and tracking, whatever a view marks with ``no_store``). A reporter's
  identity or an appeal page must not stay in a shared computer's browser cache or a proxy. Static files
  keep the long caching WhiteNoise gives them.
- A strict ``Content-Security-Policy`` (``settings.CONTENT_SECURITY_POLICY``): scripts and styles only from
  our own origin, no inline script, no eval (the API docs page works under it: django-ninja serves Swagger
  from its own static files). A view that sets its own policy header is left alone.
- ``Permissions-Policy`` turning off the browser features the platform never uses.

Referrer-Policy, Cross-Origin-Opener-Policy and nosniff come from Django's SecurityMiddleware, X-Frame-Options
from XFrameOptionsMiddleware (settings). The middleware sits right after SecurityMiddleware, outside
WhiteNoise, so it sees static responses too; it decides on the response, because the API token's user is
only known once the view has run.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings

NO_STORE_ATTR = "wuyou_no_store"


def no_store(view: Callable) -> Callable:
    """Decorator: this view's responses are never stored by a browser or proxy, whoever asks."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return mark_no_store(view(request, *args, **kwargs))

    return wrapped


def mark_no_store(response):
    """Mark one response as sensitive (for code paths a decorator does not fit); returns it."""
    setattr(response, NO_STORE_ATTR, True)
    return response


def build_policy(directives: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([name, *values]) for name, values in directives.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = build_policy(settings.CONTENT_SECURITY_POLICY)
        self.permissions_policy = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DENY)
        self.static_prefixes = tuple(p for p in (settings.STATIC_URL, settings.MEDIA_URL) if p)
        self.static_prefixes = tuple(p if p.startswith("/") else "/" + p for p in self.static_prefixes)
        self.sensitive_prefixes = tuple(settings.NO_STORE_PATH_PREFIXES)
        self.sensitive_names = frozenset(settings.NO_STORE_URL_NAMES)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        if self.must_not_store(request, response):
            # A stricter header a view set (never_cache's "…, no-store, …") stays; anything else is replaced.
            if "no-store" not in response.headers.get("Cache-Control", ""):
                response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
            response.headers.pop("Expires", None)
        return response

    def must_not_store(self, request, response) -> bool:
        if getattr(response, NO_STORE_ATTR, False):
            return True
        path = request.path_info
        if path.startswith(self.static_prefixes):
            return False  # hashed, public files: WhiteNoise's long caching is right for them
        if "HTTP_AUTHORIZATION" in request.META:
            return True
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
        if path.startswith(self.sensitive_prefixes):
            return True
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in self.sensitive_names:
            return True
        # A response that hands out a session (a login finishing) must not be replayed from a cache.
        return settings.SESSION_COOKIE_NAME in response.cookies

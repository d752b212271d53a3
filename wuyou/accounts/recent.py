"""Recent authentication: a mark in the session, set when the user typed their password (and code) a
moment ago, which sensitive acts ask for (revealing a reporter's identity, changing a user's role)."""

import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

SESSION_KEY = "wuyou_recent_auth"
# The page that asks for the password again (a URL name, so this layer imports no views).
VERIFY_URL_NAME = "verify_identity"


def max_age() -> int:
    return int(getattr(settings, "RECENT_AUTH_SECONDS", 300))


def mark(request) -> None:
    request.session[SESSION_KEY] = int(time.time())


def is_recent(request) -> bool:
    at = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    return isinstance(at, int) and 0 <= time.time() - at <= max_age()


def verify_url(next_url: str) -> str:
    return f"{reverse(VERIFY_URL_NAME)}?{urlencode({'next': next_url})}"


def redirect_to_verify(request, next_url: str | None = None):
    return redirect(verify_url(next_url or request.get_full_path()))


def recent_auth_required(view=None, *, next_url=None):
    """View decorator: without a recent authentication, go to the 「验证身份」 page and come back to
    `next_url(request, *args, **kwargs)` (default: this URL; give the page a POST came from)."""

    def deco(fn):
        @wraps(fn)
        def wrapped(request, *args, **kwargs):
            if not is_recent(request):
                target = next_url(request, *args, **kwargs) if next_url else request.get_full_path()
                return redirect_to_verify(request, target)
            return fn(request, *args, **kwargs)

        return wrapped

    return deco(view) if view is not None else deco

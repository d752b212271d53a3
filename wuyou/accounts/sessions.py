"""Sessions end after an idle time and after an absolute lifetime (等保2.0 三级: 登录连接超时自动退出).

Two stamps in the session, in epoch seconds (time.time(), so tests can move the clock):
- LOGIN_AT, set at login (`start`, connected to user_logged_in): the absolute lifetime counts from it;
- LAST_SEEN, the last request, written at most once a minute: writing it on every request would save
  the session (a database write) on every page view. The idle time is measured from the stamp, so a
  session may end up to a minute early, never late.

When a stamp runs out the user is logged out and sent to the login page with `next=` and a message;
htmx requests get `HX-Redirect` (a redirect inside a swap would paste the login page into the page);
API requests get no redirect: the request goes on unauthenticated and the API answers 401 itself.
Token-authenticated API requests carry no session, so none of this touches them.

The roles with the longer idle time are configuration (role codes), as for two-factor login: this
layer sits below orgs and does not import the roles.
"""

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.dispatch import Signal
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

LOGIN_AT = "wuyou_login_at"
LAST_SEEN = "wuyou_last_seen"
# How stale LAST_SEEN may get before it is written again (one session save per user per minute at most).
WRITE_EVERY = 60
IDLE, ABSOLUTE = "idle", "absolute"
API_PREFIX = "/api/"

# Sent after an expired session was logged out: sender=None, user=, request=, reason=IDLE|ABSOLUTE.
# The audit trail (orgs, a layer above) listens; a plain logout is not sent for it.
session_expired = Signal()


def idle_seconds(user) -> int:
    roles = set(getattr(settings, "SESSION_IDLE_ENTERPRISE_ROLES", ()))
    if not user.is_superuser and getattr(user, "role", None) in roles:
        return int(settings.SESSION_IDLE_SECONDS_ENTERPRISE)
    return int(settings.SESSION_IDLE_SECONDS_STAFF)


def absolute_seconds() -> int:
    return int(settings.SESSION_ABSOLUTE_SECONDS)


def start(sender=None, request=None, user=None, **kwargs) -> None:
    """user_logged_in receiver: the lifetime and the idle time start now."""
    session = getattr(request, "session", None)
    if session is not None:
        now = int(time.time())
        session[LOGIN_AT] = now
        session[LAST_SEEN] = now


def expired(request) -> str | None:
    """IDLE or ABSOLUTE when the signed-in session has run out, else None (and LAST_SEEN kept fresh)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    session = request.session
    now = time.time()
    login_at, last_seen = session.get(LOGIN_AT), session.get(LAST_SEEN)
    if not isinstance(login_at, int) or not isinstance(last_seen, int):
        # A session from before these stamps existed (or not made by login()): it starts now.
        start(request=request)
        return None
    if now - login_at > absolute_seconds():
        return ABSOLUTE
    if now - last_seen > idle_seconds(user):
        return IDLE
    if now - last_seen >= WRITE_EVERY:
        session[LAST_SEEN] = int(now)
    return None


IDLE_MESSAGE = _("您已长时间未操作，为了安全已退出，请重新登录")
ABSOLUTE_MESSAGE = _("登录已超过 %(hours)s 小时，请重新登录")


def _message(reason: str) -> str:
    if reason == ABSOLUTE:
        return str(ABSOLUTE_MESSAGE) % {"hours": max(1, round(absolute_seconds() / 3600))}
    return str(IDLE_MESSAGE)


def _next_url(request) -> str:
    """Where to come back to: this page for a GET; for an htmx request or a form post, the page the user
    was on (a POST-only URL cannot be opened after login)."""
    if request.method in ("GET", "HEAD") and not request.headers.get("HX-Request"):
        return request.get_full_path()
    page = request.headers.get("HX-Current-URL") or request.headers.get("Referer") or ""
    if page and url_has_allowed_host_and_scheme(
        page, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(page)  # this site's page: keep only its path and query
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return ""


class SessionTimeoutMiddleware:
    """After AuthenticationMiddleware and MessageMiddleware (it logs out and leaves a message)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reason = expired(request)
        if reason is None:
            return self.get_response(request)
        user = request.user
        # Marked before logout(): the user_logged_out receiver records no "logout" for it.
        request.wuyou_session_expired = reason
        logout(request)
        session_expired.send(sender=None, user=user, request=request, reason=reason)
        if request.path.startswith(API_PREFIX) or request.path in (reverse("login"), reverse("logout")):
            return self.get_response(request)  # now anonymous: the API answers 401, login shows its form
        messages.warning(request, _message(reason))
        next_url = _next_url(request)
        target = redirect_to_login(next_url)["Location"] if next_url else reverse("login")
        if request.headers.get("HX-Request"):
            # htmx follows HX-Redirect with a full page load instead of swapping a login form in.
            return HttpResponse(headers={"HX-Redirect": target})
        return HttpResponseRedirect(target)

"""Authentication events in the administrative audit chain (等保2.0 三级: 安全审计 of logins and
credential changes).

Every event goes through `core.audit.record_change` with the action `auth.<event>`, so it lands in the
one verifiable chain the audit page reads and `verify_audit` checks; the page filters them by that
prefix (类别: 登录认证). The subject is the account concerned (or its username when no such account
exists); `after` holds the source address and user agent.

Who acted: the signed-in user of the request when there is one (an administrator changing a role,
a user revoking a token), else the account itself for events only its holder can cause (a successful
login), else nobody: a failed login is not the account holder's act, so it is never attributed to them.
"""

from django.core.exceptions import ImproperlyConfigured

from wuyou.core.audit import record_change
from wuyou.core.clientaddr import client_address

EVENTS = (
    "login_ok",
    "login_failed",
    "login_throttled",
    "account_locked",
    "logout",
    "token_issued",
    "token_revoked",
    "tokens_revoked",
    "session_expired",
    "password_reset",
    "recovery_codes_regenerated",
    "user_deactivated",
    "user_reactivated",
    "password_changed",
    "role_changed",
    "twofactor_enabled",
    "twofactor_disabled",
    "twofactor_failed",
    "recovery_code_used",
    "identity_revealed",
    # Enterprise self-service accounts (issue 10, orgs.registration).
    "registered",
    "registration_approved",
    "registration_rejected",
    "password_reset_sms",
    "sms_code_exhausted",
    "user_added",
    "user_removed",
)
PREFIX = "auth."
# Events the account holder alone can cause, attributed to them when the request has no signed-in user.
_OWN_ACTS = {
    "login_ok",
    "token_issued",
    "logout",
    "password_changed",
    "recovery_code_used",
    "registered",
    "password_reset_sms",
}
# Client-supplied text is bounded: an attacker must not grow the chain with long headers.
_UA_MAX = 200
_USERNAME_MAX = 150


def action_of(event: str) -> str:
    return PREFIX + event


def source_address(request) -> str:
    """The client's address (core.clientaddr: REMOTE_ADDR, or behind a trusted proxy the address it saw)."""
    return client_address(request)


def _actor(event, user, request):
    current = getattr(request, "user", None) if request is not None else None
    if current is not None and getattr(current, "is_authenticated", False):
        return current
    if event in _OWN_ACTS and user is not None and getattr(user, "pk", None):
        return user
    return None


def record(event: str, *, user=None, username: str = "", request=None, note: str = ""):
    """Record one authentication event in the audit chain; returns the AuditRecord.

    `user`: the account concerned, when it exists; else `username`, the name that was tried."""
    if event not in EVENTS:
        # A typo must not silently create an event the audit page cannot name or filter.
        raise ImproperlyConfigured(f"unknown authentication event {event!r}")
    if user is not None and getattr(user, "pk", None):
        subject = user
    else:
        name = (username or "")[:_USERNAME_MAX]
        subject = ("orgs.user", "", name or "—")
    after = {"ip": source_address(request)}
    if request is not None and (ua := request.META.get("HTTP_USER_AGENT")):
        after["user_agent"] = ua[:_UA_MAX]
    return record_change(
        by=_actor(event, user, request), action=action_of(event), subject=subject, after=after, note=note
    )

"""Rate limits on report submission and secret guessing, counted in the shared store
(`wuyou.core.throttle`: the database or Redis), so every web process sees the same counts.

Submissions count only when accepted: `check_report` refuses when a quota is used up, and
`count_report` is called once the report is filed, so a refused or invalid submission (a typo in the
date, a missing item) does not use up a reporter's quota. Limits apply by address and, for enterprise
reporters, by account (an account cannot escape its quota by changing address). Track look-ups count
every attempt: there the failures are what is limited (guessing secrets).

Limits are in settings.NEGATIVE_LIST_RATE_LIMITS or the defaults below; checking and counting are
core.throttle's check_quotas and count_quotas."""

from django.conf import settings

from wuyou.core import throttle
from wuyou.core.clientaddr import client_address

DEFAULTS = {
    # name: (max hits, window seconds)
    "report_ip_hour": (5, 3600),
    "report_ip_day": (20, 86400),
    "report_account_day": (10, 86400),
    "track_ip_hour": (30, 3600),
}

REPORT_MESSAGE = "提交过于频繁，请稍后再试；如情况紧急请拨打协调中心电话"


TooMany = throttle.RateLimited  # 429 rate_limited


def _limit(name: str) -> tuple[int, int]:
    return getattr(settings, "NEGATIVE_LIST_RATE_LIMITS", {}).get(name, DEFAULTS[name])


def _key(name: str, who: str) -> str:
    return f"nl-rl:{name}:{who}"


def _report_quotas(ip: str, user) -> list[throttle.Quota]:
    names = [("report_ip_hour", ip), ("report_ip_day", ip)] if ip else []
    if user is not None:
        names.append(("report_account_day", str(user.pk)))
    return [throttle.Quota(_key(name, who), *_limit(name)) for name, who in names]


def check_report(*, ip: str, user) -> None:
    """Before the submission: refused (429) when an accepted-submission quota is used up."""
    throttle.check_quotas(_report_quotas(ip, user), REPORT_MESSAGE)


def count_report(*, ip: str, user) -> None:
    """After the report is filed: it uses up one of each quota."""
    throttle.count_quotas(_report_quotas(ip, user))


def hit_track(ip: str) -> None:
    """Every look-up counts, found or not: a wrong secret is exactly what must be limited."""
    if not ip:
        return
    limit, window = _limit("track_ip_hour")
    if throttle.hit(_key("track_ip_hour", ip), window) > limit:
        raise TooMany("查询过于频繁，请稍后再试")


def client_ip(request) -> str:
    # REMOTE_ADDR, or behind a trusted proxy the address it saw (core.clientaddr).
    return client_address(request)

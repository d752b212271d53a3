"""Rate limits on report submission and secret guessing, counted in Django's cache (per process with the
default LocMemCache; configure a shared cache such as Redis or the database cache when running several
web processes). Limits are in settings.NEGATIVE_LIST_RATE_LIMITS or the defaults below."""

from django.conf import settings
from django.core.cache import cache

from wuyou.core.errors import DomainError

DEFAULTS = {
    # name: (max hits, window seconds)
    "report_ip_hour": (5, 3600),
    "report_ip_day": (20, 86400),
    "report_account_day": (10, 86400),
    "track_ip_hour": (30, 3600),
}


class TooMany(DomainError):
    status = 429
    code = "rate_limited"


def _limit(name: str) -> tuple[int, int]:
    return getattr(settings, "NEGATIVE_LIST_RATE_LIMITS", {}).get(name, DEFAULTS[name])


def _hit(name: str, who: str) -> bool:
    """Count one hit; False when the limit is exceeded."""
    limit, window = _limit(name)
    key = f"nl-rl:{name}:{who}"
    cache.add(key, 0, timeout=window)
    try:
        n = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        n = 1
    return n <= limit


def hit_report(*, ip: str, user) -> None:
    ok = True
    if ip:
        ok = _hit("report_ip_hour", ip) and _hit("report_ip_day", ip)
    if user is not None:
        ok = _hit("report_account_day", str(user.pk)) and ok
    if not ok:
        raise TooMany("提交过于频繁，请稍后再试；如情况紧急请拨打协调中心电话")


def hit_track(ip: str) -> None:
    if ip and not _hit("track_ip_hour", ip):
        raise TooMany("查询过于频繁，请稍后再试")


def client_ip(request) -> str:
    # REMOTE_ADDR only: behind a proxy, let the proxy set it (e.g. gunicorn --forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR", "") or ""

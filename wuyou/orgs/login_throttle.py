"""Login throttling by account name and by source address, with growing delays (等保2.0 三级 登录失败
处理; ASVS 2.2.1), counted in the store every process shares (core.throttle).

Two failure counters per attempt: the name that was tried (whether or not such an account exists, so
the throttle tells nothing about which names are real) and the source address (a password spray over
many accounts from one place). Each counter allows a few failures in its window; every failure past
them blocks the key for twice as long as the one before, up to a ceiling. A third counter bounds the
attempts (failed or not) one address may make in a few seconds: every attempt costs an Argon2 hash,
and a burst of them must not take the CPU the rest of the city's users need.

A held-back attempt is answered at once, without hashing: that is the point of holding it back. It is
recorded once, when the block is first placed in a counter's window, not once per refused request: an
attacker must not be able to grow the audit chain at will.

The lockout of a real account (orgs.auth) is separate and stays: it does not depend on the address.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from wuyou.core import throttle

from . import auth_events


@dataclass(frozen=True)
class Rule:
    prefix: str
    free: int  # failures allowed in the window before the first delay
    window: float  # seconds


def _config() -> dict:
    return settings.LOGIN_THROTTLE


def _rules() -> tuple[Rule, Rule]:
    c = _config()
    return (
        Rule("login:u:", c["account_free"], c["account_window"]),
        Rule("login:ip:", c["address_free"], c["address_window"]),
    )


def _name(username: str) -> str:
    # 'Zhang' and 'zhang' are one name to an attacker guessing; casefold so they share one counter.
    return (username or "").strip().casefold()


def _address(request) -> str:
    return auth_events.source_address(request) or "-"


def _keys(username: str, request) -> list[tuple[Rule, str]]:
    account, address = _rules()
    return [(account, account.prefix + _name(username)), (address, address.prefix + _address(request))]


def delay_after(failures_past_free: int) -> float:
    """Seconds of the block after the n-th failure past the free ones: base, 2×base, 4×base … ceiling."""
    c = _config()
    return float(min(c["delay_base"] * 2 ** (failures_past_free - 1), c["delay_max"]))


def held_back(username: str, request) -> float:
    """Seconds this attempt must wait (0: go ahead). Counts the attempt against the address's burst."""
    if not _config()["enabled"]:
        return 0.0
    longest = max(throttle.blocked_for(key) for _, key in _keys(username, request))
    if longest:
        return longest
    c = _config()
    burst_key = "login:burst:" + _address(request)
    attempts = throttle.hit(burst_key, c["burst_window"])
    if attempts > c["burst_max"]:
        if attempts == c["burst_max"] + 1:
            auth_events.record("login_throttled", username=username, request=request, note="burst")
        return float(c["burst_window"])
    return 0.0


def failed(username: str, request, user=None) -> None:
    """A wrong password (or unknown name): count it; past the free ones, block with a growing delay."""
    if not _config()["enabled"]:
        return
    for rule, key in _keys(username, request):
        failures = throttle.hit(key, rule.window)
        past = failures - rule.free
        if past > 0:
            throttle.block(key, delay_after(past))
            if past == 1:
                note = "account" if rule.prefix == "login:u:" else "address"
                auth_events.record(
                    "login_throttled", user=user, username=username, request=request, note=note
                )


def succeeded(username: str, request) -> None:
    """The right password: the name's failures are forgiven. The address's are not: one success from
    an address spraying passwords must not buy it a fresh set of free failures."""
    if not _config()["enabled"]:
        return
    account, _ = _rules()
    throttle.reset(account.prefix + _name(username))

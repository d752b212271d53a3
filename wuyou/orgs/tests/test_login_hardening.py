"""Login under concurrency and attack (issue 9, item 1): the lockout race, throttling by name and by
address with growing delays, the same answer and the same work for unknown, locked and wrong."""

import threading
from contextlib import contextmanager

import pytest
import time_machine
from django.conf import settings
from django.db import connections
from django.test import Client, override_settings

from wuyou.core.audit import AuditRecord
from wuyou.orgs.models import User
from wuyou.testing import PASSWORD

THROTTLE_ON = {**settings.LOGIN_THROTTLE, "enabled": True}
# The slot logic alone, without the address burst limit holding the parallel requests back first.
THROTTLE_OFF = {**settings.LOGIN_THROTTLE, "enabled": False}


def token(client, username, password, addr="10.0.0.1"):
    r = client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=addr,
    )
    return r


@contextmanager
def counting_password_checks():
    """Counts the passwords actually checked against an account's hash (thread-safe)."""
    calls = []
    lock = threading.Lock()
    original = User.check_password

    def counted(self, raw):
        with lock:
            calls.append(raw)
        return original(self, raw)

    User.check_password = counted
    try:
        yield calls
    finally:
        User.check_password = original


def burst(n, password_for):
    """n parallel token requests for 'center', each from its own thread and database connection."""
    results = [None] * n
    start = threading.Barrier(n)

    def one(i):
        try:
            start.wait()
            r = token(Client(), "center", password_for(i))
            results[i] = (r.status_code, r.json().get("code"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(LOGIN_THROTTLE=THROTTLE_OFF)
def test_thirty_parallel_wrong_passwords_check_at_most_the_limit_and_lock(p):
    with counting_password_checks() as checked:
        results = burst(30, lambda i: f"wrong-{i}")
    assert all(r == (401, "invalid_credentials") for r in results), results
    assert len(checked) <= settings.LOGIN_MAX_FAILURES
    p.center.refresh_from_db()
    assert p.center.locked_until is not None
    # Locked: the right password is refused too, with the same answer as a wrong one.
    with counting_password_checks() as checked:
        r = token(Client(), "center", PASSWORD)
    assert (r.status_code, r.json()["code"]) == (401, "invalid_credentials")
    assert checked == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(LOGIN_THROTTLE=THROTTLE_OFF)
def test_a_burst_mixing_the_right_password_checks_at_most_the_limit(p):
    with counting_password_checks() as checked:
        results = burst(30, lambda i: PASSWORD if i == 17 else f"wrong-{i}")
    accepted = [r for r in results if r[0] == 200]
    # The right one is accepted only if it was checked, which needs a free slot: never while locked.
    assert len(accepted) == (1 if PASSWORD in checked else 0)
    wrong = [c for c in checked if c != PASSWORD]
    # A success forgives the failures before it (as for any login), so the burst may then use a second
    # set of slots; without one, the limit holds exactly.
    limit = settings.LOGIN_MAX_FAILURES
    assert len(wrong) <= (2 * limit - 1 if accepted else limit)


@pytest.mark.django_db
@override_settings(LOGIN_THROTTLE=THROTTLE_ON)
def test_failures_by_one_name_are_delayed_growingly_and_held_back_unhashed(p):
    client = Client()
    free = THROTTLE_ON["account_free"]
    with time_machine.travel("2026-12-02 09:00 +0800", tick=False) as clock:
        for i in range(free):
            assert token(client, "no-such-user", "x", addr=f"10.0.1.{i}").status_code == 401
        # The next failure places the first delay; the attempt after it is held back, not checked.
        assert token(client, "no-such-user", "x", addr="10.0.1.50").status_code == 401
        r = token(client, "NO-SUCH-USER", "x", addr="10.0.1.51")  # case does not buy a new counter
        assert r.status_code == 429 and r.json()["code"] == "throttled"
        assert r["Retry-After"] == str(THROTTLE_ON["delay_base"])
        clock.shift(THROTTLE_ON["delay_base"] + 1)
        assert token(client, "no-such-user", "x", addr="10.0.1.52").status_code == 401
        r = token(client, "no-such-user", "x", addr="10.0.1.53")
        assert r.status_code == 429 and r["Retry-After"] == str(2 * THROTTLE_ON["delay_base"])
        # A real account is held back the same way, even with its right password.
        for i in range(free + 1):
            token(client, "gdgs", "wrong", addr=f"10.0.2.{i}")
        with counting_password_checks() as checked:
            r = token(client, "gdgs", PASSWORD, addr="10.0.2.99")
        assert r.status_code == 429 and checked == []


@pytest.mark.django_db
@override_settings(LOGIN_THROTTLE={**THROTTLE_ON, "address_free": 5, "account_free": 3})
def test_a_password_spray_from_one_address_is_slowed_and_recorded_once(p):
    client = Client()
    names = [f"user{i}" for i in range(12)]
    answers = [token(client, name, "Zhuzhou2026!", addr="10.9.9.9").status_code for name in names]
    assert answers[:6] == [401] * 6  # five free failures, then the sixth places the first block
    assert set(answers[6:]) == {429}
    # Another address is not held back by this one.
    assert token(client, "user99", "Zhuzhou2026!", addr="10.9.9.10").status_code == 401
    throttled = AuditRecord.objects.filter(action="auth.login_throttled")
    assert throttled.count() == 1 and throttled.get().note == "address"


@pytest.mark.django_db
@override_settings(LOGIN_THROTTLE={**THROTTLE_ON, "burst_max": 4, "account_free": 99, "address_free": 99})
def test_a_burst_from_one_address_is_held_back_before_hashing(p):
    client = Client()
    with counting_password_checks() as checked:
        codes = [token(client, "center", f"wrong-{i}", addr="10.7.7.7").status_code for i in range(8)]
    assert codes[:4] == [401] * 4 and codes[4:] == [429] * 4
    assert len(checked) == 4


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_unknown_locked_and_wrong_do_the_same_hashing_work(p, monkeypatch):
    """Timing: each of the three costs exactly one Argon2 computation (the production hasher)."""
    from django.contrib.auth.hashers import Argon2PasswordHasher

    p.center.set_password(PASSWORD)
    p.center.save()
    work = []
    for name in ("encode", "verify"):  # Argon2's encode and verify each compute one Argon2 hash
        original = getattr(Argon2PasswordHasher, name)

        def wrapped(self, *a, _original=original, _name=name, **kw):
            work.append(_name)
            return _original(self, *a, **kw)

        monkeypatch.setattr(Argon2PasswordHasher, name, wrapped)

    client = Client()

    def cost(username, password):
        work.clear()
        r = token(client, username, password)
        return r.status_code, r.json()["code"], len(work)

    wrong = cost("center", "not-it")
    unknown = cost("no-such-user", "not-it")
    for _ in range(settings.LOGIN_MAX_FAILURES):
        token(client, "center", "not-it")
    locked = cost("center", PASSWORD)
    assert wrong == unknown == locked == (401, "invalid_credentials", 1)


@pytest.mark.django_db
def test_lockout_is_an_audited_event(p):
    client = Client()
    for _ in range(settings.LOGIN_MAX_FAILURES):
        token(client, "center", "not-it")
    locked = AuditRecord.objects.filter(action="auth.account_locked")
    assert locked.count() == 1
    assert AuditRecord.objects.filter(action="auth.login_failed").count() == settings.LOGIN_MAX_FAILURES


@pytest.mark.django_db
def test_the_admin_login_form_is_no_way_around_our_login(p):
    p.center.is_superuser = p.center.is_staff = True
    p.center.save()
    client = Client()
    r = client.get("/admin/login/?next=/admin/")
    assert r.status_code == 302 and r["Location"] == "/login/?next=/admin/"
    # Posting the password to it signs nobody in (our login asks for the second factor and audits).
    r = client.post("/admin/login/", {"username": "center", "password": PASSWORD, "next": "/admin/"})
    assert r.status_code in (302, 405)
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_a_signed_in_user_outside_the_admin_is_refused_not_looped(p):
    client = p.client(p.ent_user)
    r = client.get("/admin/", follow=True)
    assert r.status_code == 403 and len(r.redirect_chain) <= 2
    p.center.role = "security_admin"
    p.center.is_staff = False
    p.center.save()
    r = p.client(p.center).get("/", follow=True)
    assert r.status_code == 200 and len(r.redirect_chain) <= 2


@pytest.mark.django_db
@override_settings(
    LOGIN_THROTTLE={**THROTTLE_ON, "address_free": 2, "account_free": 99}, TRUSTED_PROXIES=["10.0.0.2"]
)
def test_behind_a_trusted_proxy_each_client_has_its_own_address_throttle(p):
    def via_proxy(client_addr, forwarded):
        return (
            Client()
            .post(
                "/api/v1/auth/token",
                {"username": "nobody", "password": "x"},
                content_type="application/json",
                REMOTE_ADDR=client_addr,
                HTTP_X_FORWARDED_FOR=forwarded,
            )
            .status_code
        )

    # One client behind the proxy exhausts its address's free failures and is held back …
    assert [via_proxy("10.0.0.2", "203.0.113.7") for _ in range(4)] == [401, 401, 401, 429]
    # … another client behind the same proxy is not …
    assert via_proxy("10.0.0.2", "198.51.100.9") == 401
    # … and the held-back one cannot escape by sending its own X-Forwarded-For (the proxy appends the
    # address it saw; what the client wrote is left of it and never believed).
    assert via_proxy("10.0.0.2", "1.2.3.4, 203.0.113.7") == 429
    # From an untrusted peer the header is ignored: the peer's own address counts.
    assert [via_proxy("192.0.2.50", f"198.51.100.{i}") for i in range(4)] == [401, 401, 401, 429]

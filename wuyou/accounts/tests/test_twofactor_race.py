"""Parallel second-factor guesses check no more codes than the limit (issue 9, items 1 and 5)."""

import threading
import time

import pyotp
import pytest
from django.db import connections

from wuyou.accounts import twofactor
from wuyou.accounts.models import TOTPDevice


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_parallel_wrong_codes_check_at_most_the_limit_and_lock(p, monkeypatch):
    secret = twofactor.new_secret()
    assert twofactor.enroll(p.center, secret, pyotp.TOTP(secret).at(time.time() - 30))
    checked, lock = [], threading.Lock()
    original = twofactor._matching_step

    def counted(*args, **kwargs):
        with lock:
            checked.append(args[1])
        return original(*args, **kwargs)

    monkeypatch.setattr(twofactor, "_matching_step", counted)
    gate = threading.Barrier(20)
    right = pyotp.TOTP(secret).now()
    wrong = [f"{(int(right) + i) % 1_000_000:06d}" for i in range(1, 21)]

    def guess(code):
        try:
            gate.wait()
            twofactor.verify(p.center, code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess, args=(c,)) for c in wrong]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(checked) <= twofactor.MAX_FAILURES
    assert TOTPDevice.objects.get(user=p.center).locked_until is not None
    assert not twofactor.verify(p.center, right)  # locked: the right code is refused too

"""Report rate limits (issue 9): counted in the shared store, only for accepted submissions, by address
and by account."""

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from wuyou.core.throttle import ThrottleCounter

from .helpers import NAME, PHONE, SECRET_TEXT

pytestmark = pytest.mark.django_db


def payload(**kw):
    d = {
        "items": ["C1-02"],
        "department": "gdgs",
        "occurred_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "description": SECRET_TEXT,
        "reporter_name": NAME,
        "reporter_phone": PHONE,
    }
    d.update(kw)
    return d


def post(client, body, **extra):
    return client.post("/api/v1/reports", json.dumps(body), content_type="application/json", **extra)


def test_refused_submissions_do_not_use_up_the_quota(nl, settings):
    settings.NEGATIVE_LIST_RATE_LIMITS = {"report_ip_hour": (1, 3600)}
    c = Client(REMOTE_ADDR="10.9.0.1")
    # A reporter fumbling the form (a date in the future, an unknown item) is not locked out.
    for bad in (payload(occurred_on="2099-01-01"), payload(items=["X9-99"]), payload(description="太短")):
        assert post(c, bad).status_code == 400
    ok = post(c, payload())
    assert ok.status_code == 201, ok.content
    again = post(c, payload())
    assert again.status_code == 429 and again.json()["code"] == "rate_limited"


def test_counts_live_in_the_shared_store_not_in_one_process(nl, settings):
    settings.NEGATIVE_LIST_RATE_LIMITS = {"report_ip_hour": (1, 3600)}
    c = Client(REMOTE_ADDR="10.9.0.2")
    assert post(c, payload()).status_code == 201
    # Another web process has its own (empty) local cache; the count must still be seen.
    cache.clear()
    assert post(c, payload()).status_code == 429
    assert ThrottleCounter.objects.filter(key__contains="10.9.0.2").exists()


def test_an_account_keeps_its_quota_across_addresses_and_only_accepted_ones_count(nl, p, settings):
    settings.NEGATIVE_LIST_RATE_LIMITS = {"report_account_day": (1, 86400)}
    ent = p.api(p.ent_user)
    assert post(ent, payload(department="nosuch"), REMOTE_ADDR="10.9.1.1").status_code == 400
    assert post(ent, payload(), REMOTE_ADDR="10.9.1.2").status_code == 201
    assert post(ent, payload(), REMOTE_ADDR="10.9.1.3").status_code == 429
    # Anonymous reports from one of those addresses are not the account's.
    assert post(Client(REMOTE_ADDR="10.9.1.3"), payload()).status_code == 201

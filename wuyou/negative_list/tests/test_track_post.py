"""The reporter's secret never travels in a URL: tracking is a POST (API and page); a GET carrying it is refused
before any look-up, so a secret pasted into a link is neither checked nor counted."""

import json
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from wuyou.negative_list import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def creds(nl, p):
    cache.clear()
    report, secret = services.report_submit(
        by=None,
        items=["C1-02"],
        department="gdgs",
        occurred_on=timezone.localdate() - timedelta(days=2),
        description="匿名举报：检查时索要财物",
    )
    return {"tracking_code": report.tracking_code, "secret": secret}


def test_api_track_by_post_body(creds):
    r = Client().post("/api/v1/reports/track", json.dumps(creds), content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "submitted"
    wrong = Client().post(
        "/api/v1/reports/track",
        json.dumps({**creds, "secret": "AAAA-BBBB-CCCC-DDDD"}),
        content_type="application/json",
    )
    assert wrong.status_code == 404


def test_api_get_with_secret_in_query_is_refused_and_does_nothing(creds, settings):
    # One look-up allowed per hour: if the refused GET were still checked or counted, the POST after it
    # would be rate limited.
    settings.NEGATIVE_LIST_RATE_LIMITS = {"track_ip_hour": (1, 3600)}
    r = Client().get("/api/v1/reports/track", creds)
    assert r.status_code == 400
    assert r.json()["code"] == "secret_in_url"
    assert "submitted" not in r.content.decode()
    assert "status" not in r.json()
    ok = Client().post("/api/v1/reports/track", json.dumps(creds), content_type="application/json")
    assert ok.status_code == 200


def test_api_get_without_secret_points_to_post(creds):
    r = Client().get("/api/v1/reports/track", {"tracking_code": creds["tracking_code"]})
    assert r.status_code == 400 and r.json()["code"] == "track_by_post"


def test_page_ignores_secret_in_query_and_its_forms_post(creds):
    page = Client().get("/negative-list/track/", creds)
    assert page.status_code == 200
    html = page.content.decode()
    assert "举报已提交" not in html  # nothing looked up from the URL: no progress shown
    forms = re.findall(r"<form\b[^>]*>", html)
    tracking_forms = [f for f in forms if "logout" not in f and "i18n" not in f and "setlang" not in f]
    assert tracking_forms and all('method="post"' in f for f in tracking_forms)
    shown = Client().post("/negative-list/track/", creds)
    # The reporter's view shows status and progress, never the description (identity protection).
    assert shown.status_code == 200 and "举报已提交" in shown.content.decode()

"""Reporter protection. For every role that must not know (the accused department's handler and leader,
another department, another enterprise, the public, a center user without the investigator permission, and
the other read-all roles) every page and endpoint of the app is tried: nothing reveals the report, the
reporter or the original text, and "forbidden" looks exactly like "does not exist"."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from wuyou.negative_list.models import DeptRequest, Evidence, Report
from wuyou.notifications.models import Notification, Outbox
from wuyou.orgs.models import User

from .helpers import NAME, PHONE, SECRET_TEXT, act, file_report, to_concluded

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(nl, p, inv, jw):
    """An enterprise report against gdgs, with evidence, explanation, conclusion, rectification, referral."""
    report, _ = file_report(
        p.ent_user, files=[SimpleUploadedFile("证据.pdf", b"%PDF-1.4 x", content_type="application/pdf")]
    )
    to_concluded(inv, report)
    act(inv, report, "order_rectification", requirement="规范涉企检查计划")
    act(inv, report, "refer", note="线索移送")
    anon, secret = file_report(None, items=["E2-01"], department="gdgs")
    act(inv, anon, "accept")
    report.refresh_from_db()
    return {"report": report, "anon": anon, "secret": secret, "evidence": Evidence.objects.get()}


def leaks(p, case):
    r, a = case["report"], case["anon"]
    return [
        NAME,
        PHONE,
        SECRET_TEXT,
        r.number,
        r.tracking_code,
        a.number,
        a.tracking_code,
        case["secret"],
        p.enterprise.name,
        p.enterprise.uscc,
        "王科长",
    ]


def outsiders(p):
    from wuyou.testing import make_user

    return {
        "accused_handler": p.handler,
        "accused_leader": p.leader,
        "other_department": p.other_handler,
        "other_enterprise": p.competitor_user,
        "center_without_permission": p.center,
        "city_leader": p.city_leader,
        "inspector": p.inspector,
        "team": p.team,
        "cadre": p.cadre,
        "public": None,
        "other_center_staff": make_user("center2", "center", department="ybhj"),
    }


def pages(case):
    r, a, ev = case["report"], case["anon"], case["evidence"]
    return [
        ("get", "/negative-list/", {}),
        ("get", "/negative-list/", {"q": "请客 录音 检查"}),
        ("get", "/negative-list/items/C1-02/", {}),
        ("get", "/negative-list/report/", {}),
        ("get", "/negative-list/track/", {}),
        (
            "post",
            "/negative-list/track/",
            {"tracking_code": a.tracking_code, "secret": "AAAA-AAAA-AAAA-AAAA"},
        ),
        ("post", "/negative-list/track/", {"tracking_code": a.tracking_code, "secret": ""}),
        ("get", "/negative-list/stats/", {}),
        ("get", "/negative-list/mine/", {}),
        ("get", f"/negative-list/mine/{r.pk}/", {}),
        ("post", f"/negative-list/mine/{r.pk}/", {"action": "add_material", "text": "x"}),
        ("get", "/negative-list/requests/", {}),
        ("get", "/negative-list/center/", {}),
        ("get", f"/negative-list/center/{r.pk}/", {}),
        ("get", f"/negative-list/center/{a.pk}/", {}),
        ("post", f"/negative-list/center/{r.pk}/identity/", {}),
        ("post", f"/negative-list/center/{a.pk}/act/investigate/", {}),
        ("get", f"/negative-list/center/evidence/{ev.pk}/", {}),
        ("get", "/negative-list/center/stats/", {}),
        ("get", "/negative-list/center/alerts/", {}),
        ("get", "/negative-list/center/versions/", {}),
        ("get", "/notifications/", {}),
        ("get", "/api/v1/negative-list", {}),
        ("get", "/api/v1/negative-list/search", {"q": "请客 录音"}),
        ("get", "/api/v1/negative-list/stats", {}),
        ("get", "/api/v1/reports", {}),
        ("get", "/api/v1/reports/stats", {}),
        ("get", "/api/v1/reports/mine", {}),
        ("get", f"/api/v1/reports/{r.pk}", {}),
        ("post", f"/api/v1/reports/{r.pk}/identity", {"password": "x", "reason": "x"}),
        ("post", f"/api/v1/reports/{a.pk}/investigate", {}),
        ("post", f"/api/v1/reports/{r.pk}/nosuchaction", {}),
        ("post", "/api/v1/reports/track", {"tracking_code": a.tracking_code, "secret": "AAAA"}),
        (
            "post",
            "/api/v1/reports/track/rate",
            {"tracking_code": a.tracking_code, "secret": "AAAA", "rating": "satisfied"},
        ),
        ("get", "/api/v1/dept-requests", {}),
        ("get", "/api/v1/referrals", {}),
    ]


def fetch(client, method, url, data, api):
    if method == "get":
        return client.get(url, data)
    if url.startswith("/api/"):
        return client.post(url, json.dumps(data), content_type="application/json")
    return client.post(url, data)


def body(resp) -> str:
    if getattr(resp, "streaming", False):
        return b"".join(resp.streaming_content).decode(errors="replace")
    return resp.content.decode(errors="replace")


OK_STATUSES = {200, 302, 401, 403, 404, 405}


def normalised(resp, path: str) -> str:
    # CSRF tokens are masked afresh on every response and the language switcher echoes the path;
    # everything else must be identical.
    text = re.sub(r'csrfmiddlewaretoken" value="[^"]+"', "", body(resp))
    return text.replace(path, "PATH")


@pytest.mark.parametrize(
    "who",
    [
        "accused_handler",
        "accused_leader",
        "other_department",
        "other_enterprise",
        "center_without_permission",
        "other_center_staff",
        "city_leader",
        "inspector",
        "team",
        "cadre",
        "public",
    ],
)
def test_nothing_reachable_reveals_the_report(p, case, who):
    user = outsiders(p)[who]
    secrets_ = leaks(p, case)
    page_client = p.client(user) if user else Client()
    api_client = p.api(user) if user else Client()
    for method, url, data in pages(case):
        client = api_client if url.startswith("/api/") else page_client
        resp = fetch(client, method, url, data, url.startswith("/api/"))
        text = body(resp)
        assert resp.status_code in OK_STATUSES, (who, url, resp.status_code)
        for s in secrets_:
            assert s not in text, (who, method, url, s)
        if "/center/" in url and "versions" not in url:
            assert resp.status_code == 404, (who, url, resp.status_code)
        if url.startswith("/api/v1/reports/") and "track" not in url and url.split("/")[4].isdigit():
            assert resp.status_code in (401, 404), (who, url, resp.status_code)
    # the investigator list endpoint says 403 to signed-in outsiders, as the issue asks
    if user is not None:
        assert api_client.get("/api/v1/reports").status_code == 403


@pytest.mark.parametrize(
    "who", ["accused_handler", "other_enterprise", "center_without_permission", "public"]
)
def test_forbidden_is_indistinguishable_from_missing(p, case, who):
    user = outsiders(p)[who]
    r = case["report"]
    page_client = p.client(user) if user else Client()
    api_client = p.api(user) if user else Client()
    for url in ("/negative-list/center/{}/", "/negative-list/mine/{}/", "/negative-list/center/evidence/{}/"):
        a = page_client.get(url.format(r.pk))
        b = page_client.get(url.format(r.pk + 10_000))
        pa, pb = url.format(r.pk), url.format(r.pk + 10_000)
        assert (a.status_code, normalised(a, pa)) == (b.status_code, normalised(b, pb)), url
    for url in ("/api/v1/reports/{}", "/api/v1/reports/{}/identity"):
        a, b = api_client.get(url.format(r.pk)), api_client.get(url.format(r.pk + 10_000))
        assert (a.status_code, a.content) == (b.status_code, b.content), url


def test_accused_department_sees_only_the_redacted_summaries(p, case):
    for user in (p.handler, p.leader):
        reqs = p.api(user).get("/api/v1/dept-requests").json()
        assert {q["summary"] for q in reqs} == {"请说明11月对某企业检查的依据和次数", "规范涉企检查计划"}
        text = json.dumps(reqs, ensure_ascii=False) + body(p.client(user).get("/negative-list/requests/"))
        for s in leaks(p, case):
            assert s not in text
    assert p.api(p.other_handler).get("/api/v1/dept-requests").json() == []
    assert DeptRequest.objects.filter(department__code="gdgs").count() == 2


def test_notifications_and_outbox_never_carry_identity_or_text(p, case):
    secrets_ = [NAME, PHONE, SECRET_TEXT, "王科长", p.enterprise.name]
    for n in Notification.objects.all():
        for s in secrets_:
            assert s not in n.title + n.body
    for m in Outbox.objects.all():
        for s in secrets_:
            assert s not in m.subject + m.body + m.to
    # department-facing texts do not even name a report
    dept_texts = Notification.objects.filter(user__department__code="gdgs").values_list("title", "body")
    assert dept_texts and all(
        case["report"].number not in t + b and "举报" not in t + b for t, b in dept_texts
    )


def test_database_holds_no_reporter_name_or_phone_in_plain_text(p, case):
    assert Report.objects.exclude(identity_token="").count() == 2
    found = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names():
            cur.execute(f'SELECT * FROM "{table}"')
            for row in cur.fetchall():
                text = " ".join(str(v) for v in row)
                for s in (NAME, PHONE):
                    if s in text:
                        found.append((table, s))
    assert found == []


def test_error_messages_reveal_nothing(p, case):
    a = case["anon"]
    for user in (p.handler, p.competitor_user, None):
        client = p.api(user) if user else Client()
        for url in (f"/api/v1/reports/{a.pk}/accept", f"/api/v1/reports/{a.pk}/reject"):
            resp = client.post(url, "{}", content_type="application/json")
            assert resp.status_code in (401, 404)
            assert (
                "状态" not in resp.json()["message"]
            )  # an InvalidTransition would confirm the report exists


def test_key_rotation_keeps_identity_and_lookups(p, case, settings):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    from wuyou.negative_list import selectors

    old = settings.WUYOU_REPORT_KEY
    settings.WUYOU_REPORT_KEY = Fernet.generate_key().decode() + "," + old
    before = Report.objects.get(pk=case["report"].pk).identity_token
    call_command("nl_reencrypt")
    r = Report.objects.get(pk=case["report"].pk)
    assert r.identity_token != before
    assert [x.pk for x in selectors.my_reports(p.ent_user)] == [r.pk]
    settings.WUYOU_REPORT_KEY = settings.WUYOU_REPORT_KEY.split(",")[0]  # old key dropped
    call_command("nl_reencrypt")
    from wuyou.negative_list.services import reveal_identity

    assert (
        reveal_identity(report_id=r.pk, by=User.objects.get(username="investigator1"), reason="核实")["phone"]
        == PHONE
    )
    assert [x.pk for x in selectors.my_reports(p.ent_user)] == [r.pk]

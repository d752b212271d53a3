"""Filing reports (anonymous and enterprise), tracking, the handling flow, the department's and jw's views."""

import json
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from wuyou.accounts import recent
from wuyou.negative_list.models import DeptRequest, Evidence, IdentityAccess, Referral, Report, Status
from wuyou.notifications.models import Notification
from wuyou.testing import PASSWORD

from .helpers import NAME, PHONE, SECRET_TEXT, act, file_report, to_concluded

pytestmark = pytest.mark.django_db


def payload(**kw):
    d = {
        "items": ["C1-02", "C1-05"],
        "department": "gdgs",
        "official": "王科长",
        "occurred_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "place": "栗雨工业园",
        "description": SECRET_TEXT,
        "reporter_name": NAME,
        "reporter_phone": PHONE,
    }
    d.update(kw)
    return d


def post(client, body, **extra):
    return client.post("/api/v1/reports", json.dumps(body), content_type="application/json", **extra)


def test_anonymous_api_report_and_tracking(nl, p, inv):
    r = post(Client(), payload())
    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) == {"tracking_code", "secret"}
    report = Report.objects.get(tracking_code=body["tracking_code"])
    assert report.anonymous and report.status == Status.SUBMITTED
    assert sorted(report.items.values_list("code", flat=True)) == ["C1-02", "C1-05"]
    assert body["secret"] not in report.secret_hash
    # investigators are told, without identity
    n = Notification.objects.get(user=inv)
    assert report.number in n.title and NAME not in n.title + n.body
    t = Client().post("/api/v1/reports/track", body, content_type="application/json")
    assert t.status_code == 200 and t.json()["status"] == "submitted"
    assert [e["action"] for e in t.json()["timeline"]] == ["submit"]
    wrong = Client().post(
        "/api/v1/reports/track",
        {"tracking_code": body["tracking_code"], "secret": "AAAA-BBBB-CCCC-DDDD"},
        content_type="application/json",
    )
    assert wrong.status_code == 404 and wrong.json()["code"] == "not_found"
    assert (
        Client()
        .post(
            "/api/v1/reports/track",
            {"tracking_code": "JBNOPE", "secret": body["secret"]},
            content_type="application/json",
        )
        .status_code
        == 404
    )


def test_enterprise_api_report_returns_id(nl, p):
    r = post(p.api(p.ent_user), payload(reporter_name="", reporter_phone=""))
    assert r.status_code == 201 and set(r.json()) == {"id"}
    report = Report.objects.get(pk=r.json()["id"])
    assert not report.anonymous and report.tracking_code and report.secret_hash == ""
    mine = p.api(p.ent_user).get("/api/v1/reports/mine").json()
    assert [m["id"] for m in mine] == [report.pk]
    assert p.api(p.competitor_user).get("/api/v1/reports/mine").json() == []
    # a bad token is 401, never silently anonymous
    assert post(Client(headers={"Authorization": "Bearer nope"}), payload()).status_code == 401


def test_staff_accounts_cannot_file_under_their_name(nl, p):
    r = post(p.api(p.handler), payload())
    assert r.status_code == 400 and r.json()["code"] == "not_enterprise"


@pytest.mark.parametrize(
    "change,code",
    [
        ({"items": []}, "items_required"),
        ({"items": ["X9-99"]}, "unknown_item"),
        ({"department": "nosuch"}, "unknown_department"),
        ({"occurred_on": "2099-01-01"}, "invalid_date"),
        ({"occurred_on": "yesterday"}, "invalid_date"),
        ({"reporter_phone": "12"}, "invalid_phone"),
        ({"description": "太短"}, "invalid_input"),
    ],
)
def test_validation_errors_are_chinese_json(nl, change, code):
    r = post(Client(), payload(**change))
    assert r.status_code == 400
    assert r.json()["code"] == code and r.json()["message"]


def test_rate_limit_per_ip_and_per_account(nl, p, settings):
    settings.NEGATIVE_LIST_RATE_LIMITS = {"report_ip_hour": (2, 3600), "report_account_day": (1, 86400)}
    c = Client(REMOTE_ADDR="10.1.1.1")
    assert post(c, payload()).status_code == 201
    assert post(c, payload()).status_code == 201
    r = post(c, payload())
    assert r.status_code == 429 and r.json()["code"] == "rate_limited"
    assert post(Client(REMOTE_ADDR="10.1.1.2"), payload()).status_code == 201
    ent = p.api(p.ent_user)
    assert post(ent, payload(), REMOTE_ADDR="10.2.2.2").status_code == 201
    assert post(ent, payload(), REMOTE_ADDR="10.3.3.3").status_code == 429


def test_form_report_with_evidence_shows_secret_once(nl, p, inv):
    c = Client()
    page = c.get("/negative-list/report/?item=C1-02")
    assert page.status_code == 200 and 'value="C1-02"' in page.content.decode()
    pdf = SimpleUploadedFile("王小明的录音整理.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    r = c.post(
        "/negative-list/report/",
        {
            "items": "C1-02",
            "department": "gdgs",
            "occurred_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "description": SECRET_TEXT,
            "reporter_phone": PHONE,
            "files": [pdf],
        },
    )
    assert r.status_code == 200
    html = r.content.decode()
    report = Report.objects.get()
    assert report.tracking_code in html and 'id="secret"' in html
    assert "no-cache" in r.get("Cache-Control", "") or "max-age=0" in r.get("Cache-Control", "")
    ev = Evidence.objects.get()
    assert ev.name == "王小明的录音整理.pdf" and "王小明" not in ev.file.name
    # the investigator downloads it
    got = p.client(inv).get(f"/negative-list/center/evidence/{ev.pk}/")
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF")


def test_evidence_type_and_size_checked(nl, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    c = Client()
    base = {
        "items": "C1-02",
        "department": "gdgs",
        "occurred_on": timezone.localdate().isoformat(),
        "description": SECRET_TEXT,
    }
    exe = SimpleUploadedFile("a.exe", b"MZ....", content_type="application/octet-stream")
    r = c.post("/negative-list/report/", {**base, "files": [exe]})
    assert "类型不支持" in r.content.decode()
    fake = SimpleUploadedFile("a.pdf", b"not a pdf at all", content_type="application/pdf")
    assert "不符" in c.post("/negative-list/report/", {**base, "files": [fake]}).content.decode()
    big = SimpleUploadedFile("a.pdf", b"%PDF" + b"x" * 200, content_type="application/pdf")
    assert "超过" in c.post("/negative-list/report/", {**base, "files": [big]}).content.decode()
    assert Report.objects.count() == 0


def test_full_flow_through_the_api(nl, p, inv, jw):
    r = post(Client(), payload())
    creds = r.json()
    report = Report.objects.get(tracking_code=creds["tracking_code"])
    api = p.api(inv)

    def do(action, **body):
        resp = api.post(
            f"/api/v1/reports/{report.pk}/{action}", json.dumps(body), content_type="application/json"
        )
        return resp

    assert do("conclude", outcome="substantiated", finding="x").status_code == 409
    assert do("accept").json()["status"] == "accepted"
    assert (
        do("request_explanation", summary="请说明近期对园区企业检查的次数与依据").json()["status"]
        == "investigating"
    )
    # the department sees only the summary
    dept = p.api(p.handler).get("/api/v1/dept-requests").json()
    assert len(dept) == 1 and dept[0]["summary"] == "请说明近期对园区企业检查的次数与依据"
    assert set(dept[0]) == {"id", "kind", "summary", "created_at", "due_at", "answer", "answered_at"}
    ans = p.api(p.leader).post(
        f"/api/v1/dept-requests/{dept[0]['id']}/answer",
        json.dumps({"answer": "均有计划，附检查计划表"}),
        content_type="application/json",
    )
    assert ans.status_code == 200
    assert (
        p.api(p.other_handler)
        .post(
            f"/api/v1/dept-requests/{dept[0]['id']}/answer",
            json.dumps({"answer": "x"}),
            content_type="application/json",
        )
        .status_code
        == 404
    )
    assert do("extend", reason="需调取执法记录仪").json()["extended"] is True
    assert do("extend", reason="再延").status_code == 409
    assert do("conclude", outcome="partly", finding="部分检查无计划依据").json()["outcome"] == "partly"
    assert (
        do("order_rectification", requirement="建立检查计划备案制度", due_days=10).json()["status"]
        == "rectifying"
    )
    assert do("refer", note="涉嫌违反工作纪律").status_code == 200
    assert do("refer", note="again").status_code == 409
    assert do("reply", content="经核实部分属实，已责令整改并移送").json()["status"] == "replied"
    # jw sees the referral
    refs = p.api(jw).get("/api/v1/referrals").json()
    assert len(refs) == 1 and refs[0]["description"] == SECRET_TEXT and "reporter" not in json.dumps(refs)
    assert p.api(p.handler).get("/api/v1/referrals").status_code == 403
    # the reporter follows and rates
    t = Client().post("/api/v1/reports/track", creds, content_type="application/json").json()
    assert t["status"] == "replied" and t["reply"].startswith("经核实")
    actions = [e["action"] for e in t["timeline"]]
    assert "request_explanation" not in actions and "explanation_received" not in actions
    rated = Client().post(
        "/api/v1/reports/track/rate",
        json.dumps({**creds, "rating": "satisfied"}),
        content_type="application/json",
    )
    assert rated.status_code == 200 and rated.json()["status"] == "closed"
    detail = api.get(f"/api/v1/reports/{report.pk}").json()
    assert detail["rating"] == "satisfied"
    assert {q["kind"] for q in detail["dept_requests"]} == {"explanation", "rectification"}
    lst = api.get("/api/v1/reports").json()
    assert lst["count"] == 1 and lst["items"][0]["number"] == report.number
    assert api.get("/api/v1/reports/stats").json()["substantiation_rate"] == 100.0


def test_reject_and_reporter_material_on_page(nl, p, inv):
    report, secret = file_report()
    c = Client()
    r = c.post(
        "/negative-list/track/",
        {
            "tracking_code": report.tracking_code,
            "secret": secret,
            "action": "add_material",
            "text": "补充：第二次检查的时间是11月25日",
        },
    )
    assert r.status_code == 200 and "补充：第二次检查" in r.content.decode()
    bad = c.post("/negative-list/track/", {"tracking_code": report.tracking_code, "secret": "WRONG"})
    assert "不正确" in bad.content.decode() and "补充：" not in bad.content.decode()
    act(inv, report, "reject", reason="不属于负面清单范围，已转 12345 热线")
    r = c.post("/negative-list/track/", {"tracking_code": report.tracking_code, "secret": secret})
    assert "不属于负面清单范围" in r.content.decode() and "不予受理" in r.content.decode()


def test_enterprise_pages_my_reports_and_rating(nl, p, inv):
    report, secret = file_report(p.ent_user)
    assert secret is None
    c = p.client(p.ent_user)
    assert (
        report.number not in c.get("/negative-list/mine/").content.decode()
    )  # internal number stays internal
    assert c.get(f"/negative-list/mine/{report.pk}/").status_code == 200
    assert p.client(p.competitor_user).get(f"/negative-list/mine/{report.pk}/").status_code == 404
    to_concluded(inv, report)
    act(inv, report, "reply", content="属实，已处理")
    c.post(f"/negative-list/mine/{report.pk}/", {"action": "rate", "rating": "basic"})
    report.refresh_from_db()
    assert report.status == Status.CLOSED and report.rating == "basic"
    assert Notification.objects.filter(user=p.ent_user, title="您的举报有新进展").exists()
    assert not Notification.objects.filter(user=p.ent_user, title__contains=report.number).exists()


def test_center_pages_act_and_reveal_identity(nl, p, inv):
    report, _ = file_report(p.ent_user)
    c = p.client(inv)
    assert report.number in c.get("/negative-list/center/").content.decode()
    html = c.get(f"/negative-list/center/{report.pk}/").content.decode()
    assert SECRET_TEXT in html and NAME not in html and PHONE not in html
    assert IdentityAccess.objects.count() == 0
    session = c.session  # as if 「验证身份」 had just been passed
    session[recent.SESSION_KEY] = int(time.time())
    session.save()
    html = c.post(f"/negative-list/center/{report.pk}/identity/", {"reason": "核实举报事实"}).content.decode()
    assert NAME in html and PHONE in html and p.enterprise.name in html
    log = IdentityAccess.objects.get()
    assert log.user == inv and log.via == "page"
    p.api(inv).post(
        f"/api/v1/reports/{report.pk}/identity",
        {"password": PASSWORD, "reason": "核实"},
        content_type="application/json",
    )
    assert IdentityAccess.objects.filter(via="api").count() == 1
    r = c.post(f"/negative-list/center/{report.pk}/act/accept/", {"note": "受理"})
    assert r.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.ACCEPTED and report.investigator == inv
    c.post(f"/negative-list/center/{report.pk}/act/request_explanation/", {"summary": "请说明检查依据"})
    assert DeptRequest.objects.get().summary == "请说明检查依据"
    assert c.get("/negative-list/center/stats/").status_code == 200


def test_dept_and_jw_pages(nl, p, inv, jw):
    report, _ = file_report()
    to_concluded(inv, report)
    act(inv, report, "refer", note="移送说明文字")
    h = p.client(p.handler).get("/negative-list/requests/").content.decode()
    assert "请说明11月对某企业检查的依据和次数" in h
    for leak in (SECRET_TEXT, report.number, report.tracking_code, NAME, PHONE, "举报"):
        assert leak not in h, leak
    req = DeptRequest.objects.get()
    p.client(p.leader).post("/negative-list/requests/", {"request": req.pk, "answer": "已说明"})
    req.refresh_from_db()
    assert req.answer == "已说明" and req.answered_by == p.leader
    assert (
        p.client(p.other_handler)
        .post("/negative-list/requests/", {"request": req.pk, "answer": "x"})
        .status_code
        == 404
    )
    j = p.client(jw).get("/negative-list/requests/").content.decode()
    assert "移送说明文字" in j and SECRET_TEXT in j and NAME not in j and PHONE not in j
    assert Referral.objects.count() == 1

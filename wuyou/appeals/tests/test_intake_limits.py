"""Intake abuse controls (issue 9): the server sets the channel from the role, and an enterprise's or a
cadre's accepted appeals are limited per hour and day in the shared store; the center is not."""

from django.test import override_settings

from wuyou.appeals.models import Appeal

BASE = "/api/v1"
LIMITS = {
    "enterprise_hour": (2, 3600),
    "enterprise_day": (10, 86400),
    "account_hour": (2, 3600),
    "account_day": (10, 86400),
}


def body(**extra):
    return {
        "category": "consult",
        "title": "留抵退税办理时限",
        "content": "请问增值税留抵退税多久能到账？",
        "contact_name": "李会计",
        "contact_phone": "13912345678",
        **extra,
    }


def post(p, user, **extra):
    return p.api(user).post(f"{BASE}/appeals", body(**extra), content_type="application/json")


def test_an_enterprise_cannot_pose_as_a_hotline_call(p):
    resp = post(p, p.ent_user, channel="hotline")
    assert resp.status_code == 201, resp.content
    assert resp.json()["channel"] == "app"


def test_a_cadre_files_on_the_cadre_channel_whatever_it_sends(p):
    resp = post(p, p.cadre, channel="hotline", enterprise=p.enterprise.uscc)
    assert resp.status_code == 201, resp.content
    assert resp.json()["channel"] == "cadre"


def test_the_center_records_the_channel_of_the_call_it_takes(p):
    resp = post(p, p.center, channel="breakfast", enterprise=p.enterprise.uscc)
    assert resp.status_code == 201, resp.content
    assert resp.json()["channel"] == "breakfast"


@override_settings(APPEAL_RATE_LIMITS_ENABLED=True, APPEAL_RATE_LIMITS=LIMITS)
def test_an_enterprise_is_limited_and_only_accepted_appeals_count(p):
    # A refused submission (bad phone) uses up nothing.
    assert post(p, p.ent_user, contact_phone="12").status_code == 400
    assert post(p, p.ent_user).status_code == 201
    assert post(p, p.ent_user).status_code == 201
    before = Appeal.objects.count()
    resp = post(p, p.ent_user)
    assert resp.status_code == 429 and resp.json()["code"] == "rate_limited"
    assert Appeal.objects.count() == before
    # The center taking a call for the same enterprise is not stopped by the enterprise's quota.
    assert post(p, p.center, channel="hotline", enterprise=p.enterprise.uscc).status_code == 201


@override_settings(APPEAL_RATE_LIMITS_ENABLED=True, APPEAL_RATE_LIMITS=LIMITS)
def test_a_cadre_account_is_limited(p):
    for _ in range(2):
        assert post(p, p.cadre, enterprise=p.enterprise.uscc).status_code == 201
    assert post(p, p.cadre, enterprise=p.enterprise.uscc).status_code == 429


@override_settings(APPEAL_RATE_LIMITS_ENABLED=True, APPEAL_RATE_LIMITS=LIMITS)
def test_the_page_says_so_in_chinese_and_files_nothing(p):
    form = {"category": "consult", "urgency": "normal", **body()}
    client = p.client(p.ent_user)
    for _ in range(2):
        assert client.post("/appeals/new/", form).status_code == 302
    before = Appeal.objects.count()
    page = client.post("/appeals/new/", form)
    assert page.status_code == 200 and "提交过于频繁" in page.content.decode()
    assert Appeal.objects.count() == before

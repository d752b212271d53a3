"""Suggestions and similar appeals in the API and the appeals pages, and who is refused."""

import pytest
from django.urls import reverse

from wuyou.appeals import services as s
from wuyou.appeals.models import Status
from wuyou.testing import submit

pytestmark = pytest.mark.django_db


def url(appeal, what="suggestions"):
    return f"/api/v1/appeals/{appeal.pk}/{what}"


def test_api_suggestions_for_center(p):
    a = submit(p)
    r = p.api(p.center).get(url(a))
    assert r.status_code == 200
    body = r.json()
    assert body[0]["department"] == "gdgs" and set(body[0]) == {"department", "score", "reasons"}
    assert 0 < body[0]["score"] <= 1 and body[0]["reasons"]
    assert len(body) <= 3


def test_api_suggestions_refused(p):
    a = submit(p)
    assert p.api(p.ent_user).get(url(a)).status_code == 403  # its own appeal, but not staff
    assert p.api(p.competitor_user).get(url(a)).status_code == 404
    assert p.api(p.handler).get(url(a)).status_code == 404  # not dispatched to gdgs yet: cannot see it
    assert p.api(None).get(url(a)).status_code == 401
    assert p.api(p.center).get("/api/v1/appeals/999999/suggestions").json()["code"] == "not_found"


def test_api_no_confident_suggestion(p):
    a = submit(p, title="你好", content="在吗？有事想问问")
    assert p.api(p.center).get(url(a)).json() == []


def test_api_similar_respects_visibility(p):
    own = submit(p)
    other = submit(p, by=p.competitor_user, title="栗雨园区断电", content="栗雨工业园今天全厂没电了")
    r = p.api(p.center).get(url(own, "similar"))
    assert [x["number"] for x in r.json()] == [other.number]
    assert r.json()[0]["same_problem"] is True
    # An enterprise never meets another enterprise's appeal.
    assert p.api(p.ent_user).get(url(own, "similar")).json() == []
    assert p.api(p.competitor_user).get(url(own, "similar")).status_code == 404


def test_detail_panel_one_click_dispatch(p):
    a = submit(p)
    page = p.client(p.center).get(reverse("appeal_detail", args=[a.pk])).content.decode()
    assert "智能分拨建议" in page and 'name="department" value="gdgs"' in page
    r = p.client(p.center).post(reverse("appeal_act", args=[a.pk, "dispatch"]), {"department": "gdgs"})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == Status.DISPATCHED and a.department.code == "gdgs"


def test_detail_panel_hidden_from_enterprise_and_no_leak(p):
    a = submit(p)
    other = submit(p, by=p.competitor_user, title="栗雨园区断电", content="栗雨工业园今天全厂没电了")
    page = p.client(p.ent_user).get(reverse("appeal_detail", args=[a.pk])).content.decode()
    assert "智能分拨建议" not in page and other.number not in page
    staff_page = p.client(p.center).get(reverse("appeal_detail", args=[a.pk])).content.decode()
    assert other.number in staff_page
    # A department that cannot dispatch sees no suggestions on its own appeal.
    s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs")
    handler_page = p.client(p.handler).get(reverse("appeal_detail", args=[a.pk])).content.decode()
    assert "智能分拨建议" not in handler_page


def test_intake_similar_fragment(p):
    mine = submit(p)
    theirs = submit(p, by=p.competitor_user, title="栗雨园区断电", content="栗雨工业园今天全厂没电了")
    q = {"title": "又停电", "content": "栗雨工业园停电了"}
    ent = p.client(p.ent_user).get(reverse("dispatch_similar"), q).content.decode()
    assert mine.number in ent and theirs.number not in ent
    center = p.client(p.center).get(reverse("dispatch_similar"), q).content.decode()
    assert theirs.number in center
    assert p.client(p.handler).get(reverse("dispatch_similar"), q).status_code == 403
    page = p.client(p.ent_user).get(reverse("appeal_new")).content.decode()
    assert 'id="similar-intake"' in page


@pytest.mark.parametrize(
    "persona,code", [("center", 200), ("handler", 403), ("ent_user", 403), ("city_leader", 403)]
)
def test_settings_page_access(p, persona, code):
    assert p.client(getattr(p, persona)).get(reverse("dispatch_settings")).status_code == code


def test_settings_page_saves_rule(p):
    r = p.client(p.center).post(
        reverse("dispatch_settings"), {"op": "rule", "category": "help", "enabled": "on", "threshold": "0.8"}
    )
    assert r.status_code == 302
    from wuyou.dispatch.models import AutoDispatchRule

    rule = AutoDispatchRule.objects.get(category="help")
    assert rule.enabled and rule.threshold == 0.8 and rule.updated_by == p.center
    p.client(p.handler).post(
        reverse("dispatch_settings"), {"op": "rule", "category": "help", "threshold": "0.3"}
    )
    rule.refresh_from_db()
    assert rule.threshold == 0.8

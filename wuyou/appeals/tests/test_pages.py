"""Every page for every role: who gets it, who is refused."""

import pytest
from django.test import Client
from django.urls import reverse

from wuyou.appeals import services as s
from wuyou.appeals.models import Status
from wuyou.testing import submit

PAGES = {
    "appeal_new": {"ent_user", "competitor_user", "center", "cadre"},
    "my_appeals": {"ent_user", "competitor_user", "cadre"},
    "center_queue": {"center"},
    "center_board": {"center", "city_leader", "inspector"},
    "center_supervision": {"center", "city_leader", "inspector"},
    "center_extensions": {"center"},
    "appeal_settings": {"center"},
    "dept_inbox": {"handler", "leader", "other_handler", "co_handler"},
    "team_queue": {"team"},
    "appeal_search": {"center", "city_leader", "inspector"}
    | {"handler", "leader", "other_handler", "co_handler"},
    "ranking": {"center", "city_leader", "inspector", "team", "leader"},
    "enterprise_list": {"center"},
    "calendar_home": {"center"},
    "notifications": None,
}
PERSONAS = [
    "ent_user",
    "competitor_user",
    "center",
    "handler",
    "leader",
    "other_handler",
    "co_handler",
    "team",
    "city_leader",
    "inspector",
    "cadre",
]


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_page_for_every_role(p, page):
    url = reverse(page)
    assert p.client(p.center).get(url).status_code in (200, 403)  # warm
    resp = Client().get(url)
    assert resp.status_code == 302 and reverse("login") in resp["Location"]
    for name in PERSONAS:
        allowed = PAGES[page]
        resp = p.client(getattr(p, name)).get(url)
        expected = 200 if allowed is None or name in allowed else 403
        assert resp.status_code == expected, f"{page} as {name}: {resp.status_code}"


def test_appeal_detail_visibility(p):
    a = submit(p)
    s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs", co_departments=["zjj"])
    url = reverse("appeal_detail", args=[a.pk])
    seen = {"ent_user", "center", "handler", "leader", "co_handler", "city_leader", "inspector"}
    for name in PERSONAS:
        code = p.client(getattr(p, name)).get(url).status_code
        assert code == (200 if name in seen else 404), f"{name}: {code}"


def test_enterprise_submits_through_the_page(p):
    c = p.client(p.ent_user)
    resp = c.post(
        reverse("appeal_new"),
        {
            "category": "help",
            "urgency": "normal",
            "title": "厂区门口道路破损",
            "content": "董家塅高科园厂区门口道路塌陷，货车无法进出。",
            "contact_name": "张经理",
            "contact_phone": "138 1234 1234",
        },
    )
    assert resp.status_code == 302
    a = p.enterprise.appeals.get()
    assert a.channel == "app" and a.contact_phone == "13812341234"
    page = c.get(resp["Location"]).content.decode()
    assert "厂区门口道路破损" in page and "待交办" in page


def test_bad_phone_on_the_page_shows_chinese_error_and_saves_nothing(p):
    resp = p.client(p.ent_user).post(
        reverse("appeal_new"),
        {
            "category": "help",
            "urgency": "normal",
            "title": "t",
            "content": "c",
            "contact_name": "张",
            "contact_phone": "123",
        },
    )
    assert resp.status_code == 200
    assert "联系电话" in resp.content.decode()
    assert not p.enterprise.appeals.exists()


def test_department_signs_and_replies_through_pages(p):
    a = submit(p)
    s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs")
    c = p.client(p.handler)
    inbox = c.get(reverse("dept_inbox")).content.decode()
    assert a.number in inbox
    assert "138****1234" in inbox and "13812341234" not in inbox
    c.post(reverse("appeal_act", args=[a.pk, "sign"]))
    c.post(reverse("appeal_act", args=[a.pk, "reply"]), {"result": "solved", "content": "已抢修恢复供电"})
    a.refresh_from_db()
    assert a.status == Status.REPLIED and a.reply_content == "已抢修恢复供电"


def test_co_handler_sees_appeal_under_awaiting_opinion_until_it_gives_one(p):
    a = submit(p)
    s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs", co_departments=["zjj"])
    lead, co = p.client(p.handler), p.client(p.co_handler)
    assert a.number in lead.get(reverse("dept_inbox"), {"tab": "to_sign"}).content.decode()
    # The co-handler cannot sign, so the appeal is not in its 待签收 but in 待协办, counted in the tab.
    assert a.number not in co.get(reverse("dept_inbox"), {"tab": "to_sign"}).content.decode()
    page = co.get(reverse("dept_inbox"), {"tab": "co_handling"}).content.decode()
    assert a.number in page and 'class="active">待协办 <span class="badge">1</span>' in page
    assert a.number not in lead.get(reverse("dept_inbox"), {"tab": "co_handling"}).content.decode()
    s.appeal_opinion(appeal_id=a.pk, by=p.co_handler, content="住建局：线路改造已列入计划。")
    page = co.get(reverse("dept_inbox"), {"tab": "co_handling"}).content.decode()
    assert a.number not in page and '待协办 <span class="badge">0</span>' in page


def test_long_lists_are_counted_up_to_a_cap_and_say_so(p):
    from django.template.loader import render_to_string
    from django.utils import timezone

    from wuyou.appeals.models import Appeal
    from wuyou.core.paging import CappedPaginator

    for _ in range(3):
        submit(p)
    qs = Appeal.objects.order_by("id")
    capped = CappedPaginator(qs, 1, cap=2)
    assert (capped.count, capped.capped, capped.num_pages) == (2, True, 2)
    html = render_to_string("appeals/_rows.html", {"page": capped.get_page(1), "now": timezone.now()})
    assert "共 2+ 件" in html
    whole = CappedPaginator(qs, 1, cap=5)
    assert (whole.count, whole.capped) == (3, False)
    html = render_to_string("appeals/_rows.html", {"page": whole.get_page(1), "now": timezone.now()})
    assert "共 3 件" in html


def test_wrong_department_cannot_act_through_pages(p):
    a = submit(p)
    s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs")
    resp = p.client(p.other_handler).post(reverse("appeal_act", args=[a.pk, "sign"]))
    assert resp.status_code == 404
    resp = p.client(p.ent_user).post(reverse("appeal_act", args=[a.pk, "sign"]))
    assert resp.status_code == 302
    a.refresh_from_db()
    assert a.status == Status.DISPATCHED


def test_illegal_action_shows_message_and_changes_nothing(p):
    a = submit(p)
    c = p.client(p.center)
    resp = c.post(reverse("appeal_act", args=[a.pk, "close"]), {"reason": "x"}, follow=True)
    assert "不能执行「办结」" in resp.content.decode()
    a.refresh_from_db()
    assert a.status == Status.SUBMITTED


def test_healthz(client, db):
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.json()["database"] == "ok"


def test_absurd_ids_are_404_not_500(p):
    c = p.client(p.center)
    assert c.get("/appeals/99999999999999999999999/").status_code == 404
    resp = p.api(p.center).get("/api/v1/appeals/99999999999999999999999")
    assert resp.status_code in (400, 404)

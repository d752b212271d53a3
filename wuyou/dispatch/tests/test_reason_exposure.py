"""Least exposure (issue 9, item 11): suggestion reasons name a past appeal only to a caller who may see
it; everyone else learns that similar appeals exist, without their numbers. Page and API alike."""

import re

import pytest
from django.urls import reverse

from wuyou.appeals import services as s
from wuyou.appeals.models import Appeal
from wuyou.dispatch import engine, selectors, services
from wuyou.dispatch.tests.test_models import examples
from wuyou.testing import submit

pytestmark = pytest.mark.django_db

TEXT = dict(title="厂房分割办证", content="我们想把厂房分割出售给几家小企业，分割登记一直办不下来")


@pytest.fixture
def department_b_appeal(p):
    """An appeal handled by department B (zrzyj) and learned by the model: its number is in the memory."""
    b = submit(p, by=p.competitor_user, **TEXT)
    s.appeal_dispatch(appeal_id=b.pk, by=p.center, department="zrzyj")
    s.appeal_sign(appeal_id=b.pk, by=p.other_handler)
    s.appeal_reply(appeal_id=b.pk, by=p.other_handler, result="explained", content="已办理分割登记")
    services.train_model(examples=examples(60) + selectors.training_examples(), note="with B")
    return b


def reasons(body) -> str:
    return "；".join(r for item in body for r in item["reasons"])


def test_center_sees_the_number_of_an_appeal_it_may_see(p, department_b_appeal):
    a = submit(p, **TEXT)
    body = p.api(p.center).get(f"/api/v1/appeals/{a.pk}/suggestions").json()
    assert f"相似诉求 {department_b_appeal.number} 由该部门办理" in reasons(body)


def test_department_a_never_sees_department_b_numbers_in_the_api(p, department_b_appeal):
    a = submit(p, **TEXT)
    s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs")  # now department A (gdgs) sees it
    r = p.api(p.handler).get(f"/api/v1/appeals/{a.pk}/suggestions")
    assert r.status_code == 200
    text = reasons(r.json())
    assert department_b_appeal.number not in r.content.decode()
    assert re.search(r"\d+ 件相似诉求由该部门办理", text)  # the evidence stays, the number goes


def test_team_dispatching_on_the_page_sees_no_number_it_may_not_see(p, department_b_appeal):
    # The team may dispatch an escalated appeal, and sees only escalated ones: B's appeal is not.
    a = submit(p, **TEXT)
    Appeal.objects.filter(pk=a.pk).update(escalation_level=2)
    page = p.client(p.team).get(reverse("appeal_detail", args=[a.pk])).content.decode()
    assert "智能分拨建议" in page
    assert department_b_appeal.number not in page
    assert re.search(r"\d+ 件相似诉求由该部门办理", page)
    api = p.api(p.team).get(f"/api/v1/appeals/{a.pk}/suggestions")
    assert department_b_appeal.number not in api.content.decode()


def test_reasons_render_per_caller():
    cites = [engine.Cite("A-1", False, 0.9), engine.Cite("B-1", False, 0.8), engine.Cite("B-2", True, 0.7)]
    assert engine.cite_reasons(cites, {"A-1"}) == [
        "相似诉求 A-1 由该部门办理（相似度 0.90）",
        "1 件相似诉求由该部门办理（相似度 0.80）",
        "1 件相似诉求曾被该部门退回（相似度 0.70）",
    ]
    # Nothing rendered for a caller: no numbers at all.
    s_ = engine.Suggestion("zrzyj", "自然资源局", 0.8, ["关键词：分割"], cites)
    assert s_.as_dict()["reasons"] == [
        "关键词：分割",
        "2 件相似诉求由该部门办理（最高相似度 0.90）",
        "1 件相似诉求曾被该部门退回（相似度 0.70）",
    ]


def test_cluster_reply_does_not_name_members_of_other_departments(p):
    from wuyou.dispatch import tasks
    from wuyou.dispatch.models import Cluster
    from wuyou.dispatch.tests.test_clusters import outage

    a, b, c, _ = outage(p)
    tasks.run()
    cluster = Cluster.objects.get()
    s.appeal_dispatch(appeal_id=c.pk, by=p.center, department="zrzyj")  # department B handles this one
    services.cluster_link(cluster_id=cluster.pk, by=p.center, lead_department="gdgs", dispatch_submitted=True)
    for x in (a, b):
        s.appeal_sign(appeal_id=x.pk, by=p.handler)
    r = p.client(p.handler).post(
        reverse("dispatch_cluster_act", args=[cluster.pk, "reply"]),
        {"result": "solved", "content": "线路已抢修，恢复供电。"},
        follow=True,
    )
    page = r.content.decode()
    assert "已答复 2 件" in page and "其他部门的诉求" in page
    assert c.number not in page
    # The cluster's own record keeps every number.
    event = cluster.events.get(action="reply")
    assert event.data["skipped"][0]["number"] == c.number

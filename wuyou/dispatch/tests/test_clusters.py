"""Cluster detection, one-action linking, undo, and one coordinated reply reaching every member."""

import pytest
from django.urls import reverse

from wuyou.appeals import services as s
from wuyou.appeals.models import Appeal, Status
from wuyou.core.errors import Forbidden, InvalidInput, NotFound
from wuyou.dispatch import services, tasks
from wuyou.dispatch.models import Cluster, ClusterEvent
from wuyou.testing import make_enterprise, make_user, submit

pytestmark = pytest.mark.django_db


def outage(p):
    third = make_enterprise(3, "株洲第三家制造有限公司")
    third_user = make_user("third", "enterprise", enterprise=third)
    return [
        submit(p),
        submit(p, by=p.competitor_user, title="栗雨园区断电", content="我们在栗雨这边，整个片区都没电了"),
        submit(
            p, by=third_user, title="power cut", content="Blackout in Liyu industrial park since this morning"
        ),
        submit(p, by=third_user, title="金山停水", content="金山工业园停水了"),  # not the same problem
    ]


def test_detect_link_reply_unlink(p):
    a, b, c, unrelated = outage(p)
    assert tasks.run()["dispatch_clusters"] == 1
    cluster = Cluster.objects.get()
    ids = set(cluster.members.values_list("appeal_id", flat=True))
    assert ids == {a.pk, b.pk, c.pk} and "停电" in cluster.title
    assert tasks.run()["dispatch_clusters"] == 0  # nothing new: quick and idempotent

    out = services.cluster_link(
        cluster_id=cluster.pk, by=p.center, lead_department="gdgs", dispatch_submitted=True
    )
    assert len(out["dispatched"]) == 3
    for x in (a, b, c):
        s.appeal_sign(appeal_id=x.pk, by=p.handler)
    # A member in a state that does not allow a reply is reported, not forced.
    s.appeal_pause(appeal_id=c.pk, by=p.handler, reason="等待企业补充材料")
    out = services.case_reply(
        cluster_id=cluster.pk, by=p.handler, result="solved", content="线路已抢修，恢复供电。"
    )
    assert sorted(out["replied"]) == sorted([a.number, b.number])
    assert out["skipped"][0]["number"] == c.number
    for x in (a, b):
        x.refresh_from_db()
        assert x.status == Status.REPLIED and x.reply_content == "线路已抢修，恢复供电。"
    # Every enterprise rates its own appeal.
    s.appeal_rate(appeal_id=a.pk, by=p.ent_user, rating="satisfied", resolved=True)
    s.appeal_rate(appeal_id=b.pk, by=p.competitor_user, rating="basic", resolved=True)

    before = {x.pk: Appeal.objects.get(pk=x.pk).status for x in (a, b, c)}
    services.cluster_unlink(cluster_id=cluster.pk, by=p.center)
    cluster.refresh_from_db()
    assert cluster.status == Cluster.Status.DETECTED and not cluster.members.filter(linked=True).exists()
    assert {
        x.pk: Appeal.objects.get(pk=x.pk).status for x in (a, b, c)
    } == before  # undo leaves appeals alone
    assert before[c.pk] == Status.PAUSED
    actions = list(ClusterEvent.objects.filter(cluster=cluster).values_list("action", flat=True))
    assert actions == ["detect", "link", "reply", "unlink"]


def test_wrong_users_refused(p):
    outage(p)
    tasks.run()
    cluster = Cluster.objects.get()
    with pytest.raises(Forbidden):
        services.cluster_link(cluster_id=cluster.pk, by=p.handler, lead_department="gdgs")
    with pytest.raises(Forbidden):
        services.cluster_link(cluster_id=cluster.pk, by=p.ent_user, lead_department="gdgs")
    with pytest.raises(InvalidInput):
        services.cluster_link(cluster_id=cluster.pk, by=p.center, lead_department="nosuch")
    services.cluster_link(cluster_id=cluster.pk, by=p.center, lead_department="gdgs")
    with pytest.raises(NotFound):
        services.case_reply(cluster_id=cluster.pk, by=p.other_handler, result="solved", content="x")
    with pytest.raises(Forbidden):
        services.cluster_unlink(cluster_id=cluster.pk, by=p.handler)
    with pytest.raises(InvalidInput, match="没有可答复的成员诉求"):
        services.case_reply(
            cluster_id=cluster.pk, by=p.handler, result="solved", content="答复"
        )  # none dispatched


def test_cluster_pages(p):
    outage(p)
    tasks.run()
    cluster = Cluster.objects.get()
    detail = reverse("dispatch_cluster", args=[cluster.pk])
    assert p.client(p.center).get(reverse("dispatch_clusters")).status_code == 200
    assert p.client(p.ent_user).get(reverse("dispatch_clusters")).status_code == 403
    assert p.client(p.handler).get(reverse("dispatch_clusters")).status_code == 403
    assert p.client(p.center).get(detail).status_code == 200
    for persona in ("ent_user", "competitor_user", "handler", "team"):
        assert p.client(getattr(p, persona)).get(detail).status_code == 404
    r = p.client(p.competitor_user).post(
        reverse("dispatch_cluster_act", args=[cluster.pk, "link"]), {"department": "gdgs"}
    )
    assert r.status_code == 404
    r = p.client(p.center).post(
        reverse("dispatch_cluster_act", args=[cluster.pk, "link"]),
        {"department": "gdgs", "dispatch_submitted": "on"},
    )
    assert r.status_code == 302
    cluster.refresh_from_db()
    assert cluster.status == Cluster.Status.LINKED
    # Now the lead department sees the case and its reply form; other departments still do not.
    page = p.client(p.handler).get(detail).content.decode()
    assert "统一答复" in page
    assert p.client(p.other_handler).get(detail).status_code == 404
    r = p.client(p.other_handler).post(
        reverse("dispatch_cluster_act", args=[cluster.pk, "reply"]), {"content": "x"}
    )
    assert r.status_code == 404

"""「我也遇到」(issue 10, item 11): a colleague who meets an existing appeal of the enterprise among the
similar ones at intake follows it instead of filing it again, and hears its reply; another enterprise can
neither follow it nor learn anything about it."""

import pytest
from django.urls import reverse

from wuyou.appeals import following
from wuyou.appeals import services as s
from wuyou.appeals.models import Appeal, Follower
from wuyou.core.audit import AuditRecord
from wuyou.core.errors import Forbidden, InvalidInput, NotFound
from wuyou.notifications.models import Notification, Outbox
from wuyou.orgs.models import Role
from wuyou.testing import make_user, submit

INTAKE = {"title": "园区又停电", "content": "栗雨工业园今天又停电了，车间设备全部停机"}


@pytest.fixture
def colleague(p):
    return make_user("zhao-follower", Role.ENTERPRISE, enterprise=p.enterprise, phone="13900001111")


def filed(p) -> Appeal:
    a = submit(p, title="栗雨工业园停电", content="栗雨工业园本周停电三次，生产线受损")
    return s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs")


def test_the_similar_list_at_intake_offers_to_follow_and_following_files_nothing(p, colleague):
    a = filed(p)
    c = p.client(colleague)
    fragment = c.get(reverse("dispatch_similar"), INTAKE).content.decode()
    assert a.number in fragment
    follow_url = reverse("appeal_follow", args=[a.pk])
    assert f'formaction="{follow_url}"' in fragment and "我也遇到，关注它" in fragment
    # The button submits the intake form (title, content…) to the follow page instead of filing.
    resp = c.post(follow_url, {**INTAKE, "category": "help", "contact_name": "李", "contact_phone": "139"})
    assert resp.status_code == 302 and resp.url == reverse("appeal_detail", args=[a.pk]) + "#follow"
    assert Appeal.objects.count() == 1
    assert list(Follower.objects.values_list("appeal_id", "user_id")) == [(a.pk, colleague.pk)]
    page = c.get(resp.url).content.decode()
    assert "已关注此诉求，未重复提交" in page and "您已关注此诉求" in page and "取消关注" in page
    # Staff see how many are affected, not who.
    handler_page = p.client(p.handler).get(resp.url).content.decode()
    assert "另有 1 位同企业用户也遇到这个问题" in handler_page and "zhao-follower" not in handler_page
    assert AuditRecord.objects.filter(action="appeal.follow").count() == 1


def test_the_filer_is_not_offered_to_follow_their_own_appeal(p):
    a = filed(p)
    fragment = p.client(p.ent_user).get(reverse("dispatch_similar"), INTAKE).content.decode()
    assert a.number in fragment and "我也遇到" not in fragment
    with pytest.raises(InvalidInput):
        following.follow(appeal_id=a.pk, by=p.ent_user)


def test_the_follower_gets_the_reply_in_the_inbox_and_by_text(p, colleague):
    a = filed(p)
    p.client(colleague).post(reverse("appeal_follow", args=[a.pk]))
    s.appeal_sign(appeal_id=a.pk, by=p.handler)
    s.appeal_reply(appeal_id=a.pk, by=p.handler, result="solved", content="已抢修线路")
    mine = Notification.objects.filter(user=colleague, title__startswith="已答复")
    assert mine.count() == 1  # once, though a user of the enterprise and a follower
    link = mine.get().link
    page = p.client(colleague).get(link)
    assert page.status_code == 200 and "已抢修线路" in page.content.decode()
    # The reply's text reaches the follower's own phone as well as the appeal's contact.
    texted = set(Outbox.objects.filter(channel=Outbox.Channel.SMS).values_list("to", flat=True))
    assert texted == {"13812341234", "13900001111"}
    # The follower's text names the appeal, never the contact's number.
    to_follower = Outbox.objects.get(channel=Outbox.Channel.SMS, to="13900001111")
    assert a.number in to_follower.body and "13812341234" not in to_follower.body


def test_after_unfollowing_no_more_texts(p, colleague):
    a = filed(p)
    c = p.client(colleague)
    c.post(reverse("appeal_follow", args=[a.pk]))
    resp = c.post(reverse("appeal_unfollow", args=[a.pk]))
    assert resp.status_code == 302 and not Follower.objects.exists()
    assert "已取消关注" in c.get(resp.url).content.decode()
    assert AuditRecord.objects.filter(action="appeal.unfollow").count() == 1
    s.appeal_sign(appeal_id=a.pk, by=p.handler)
    s.appeal_reply(appeal_id=a.pk, by=p.handler, result="solved", content="已抢修线路")
    assert not Outbox.objects.filter(channel=Outbox.Channel.SMS, to="13900001111").exists()
    # Unfollowing twice (a second tab) is no error.
    assert c.post(reverse("appeal_unfollow", args=[a.pk])).status_code == 302


def test_following_twice_is_one_row(p, colleague):
    a = filed(p)
    following.follow(appeal_id=a.pk, by=colleague)
    following.follow(appeal_id=a.pk, by=colleague)
    assert Follower.objects.count() == 1


def test_a_finished_appeal_cannot_be_followed(p, colleague):
    a = filed(p)
    s.appeal_sign(appeal_id=a.pk, by=p.handler)
    s.appeal_reply(appeal_id=a.pk, by=p.handler, result="solved", content="已抢修线路")
    fragment = p.client(colleague).get(reverse("dispatch_similar"), INTAKE).content.decode()
    assert a.number in fragment and "我也遇到" not in fragment
    resp = p.client(colleague).post(reverse("appeal_follow", args=[a.pk]), follow=True)
    assert "已不再办理" in resp.content.decode() and not Follower.objects.exists()


def test_a_competitor_cannot_follow_and_learns_nothing(p):
    a = filed(p)
    c = p.client(p.competitor_user)
    fragment = c.get(reverse("dispatch_similar"), INTAKE).content.decode()
    assert a.number not in fragment and "我也遇到" not in fragment
    missing = Appeal.objects.order_by("-pk").first().pk + 1000
    for url in (reverse("appeal_follow", args=[a.pk]), reverse("appeal_follow", args=[missing])):
        resp = c.post(url)
        assert resp.status_code == 404
        body = resp.content.decode()
        assert a.number not in body and a.title not in body and "张经理" not in body
    assert c.post(reverse("appeal_unfollow", args=[a.pk])).status_code == 404
    with pytest.raises(NotFound):
        following.follow(appeal_id=a.pk, by=p.competitor_user)
    assert not Follower.objects.exists()
    # The filer's page says nothing of a competitor's attempt either.
    assert (
        "也遇到这个问题"
        not in p.client(p.ent_user).get(reverse("appeal_detail", args=[a.pk])).content.decode()
    )


def test_staff_who_see_the_appeal_may_not_follow_it(p):
    a = filed(p)
    with pytest.raises(Forbidden):
        following.follow(appeal_id=a.pk, by=p.handler)
    assert p.client(p.center).post(reverse("appeal_follow", args=[a.pk])).status_code == 403
    page = p.client(p.handler).get(reverse("appeal_detail", args=[a.pk])).content.decode()
    assert "我也遇到" not in page


def test_a_follower_who_left_the_enterprise_is_told_nothing(p, colleague):
    a = filed(p)
    following.follow(appeal_id=a.pk, by=colleague)
    colleague.enterprise = p.competitor
    colleague.save(update_fields=["enterprise"])
    s.appeal_sign(appeal_id=a.pk, by=p.handler)
    s.appeal_reply(appeal_id=a.pk, by=p.handler, result="solved", content="已抢修线路")
    assert not Notification.objects.filter(user=colleague).exists()
    assert not Outbox.objects.filter(channel=Outbox.Channel.SMS, to="13900001111").exists()


def test_the_unread_count_is_in_the_menu_for_every_role(p):
    from wuyou.notifications.services import notify

    people = [p.ent_user, p.center, p.handler, p.leader, p.team, p.city_leader, p.inspector, p.cadre]
    for user in people:
        notify([user], title="测试消息", email=False)
        page = p.client(user).get(reverse("home"), follow=True).content.decode()
        header = page.split("</header>", 1)[0]
        assert '<a class="badge warn unread-count"' in header and "未读 1" in header, user.role

"""The notification centre: a user sees, opens and marks only their own entries; the header count."""

import pytest
from django.test import Client
from django.urls import reverse

from wuyou.notifications import services
from wuyou.notifications.models import Notification

pytestmark = pytest.mark.django_db


def tell(user, title="交办通知", **kw):
    services.notify([user], title=title, email=False, **kw)
    return Notification.objects.filter(user=user).latest("id")


def test_list_shows_only_own_entries_newest_first(p):
    tell(p.handler, "第一条")
    tell(p.handler, "第二条")
    tell(p.other_handler, "别人的消息")
    page = p.client(p.handler).get(reverse("notifications")).content.decode()
    assert "别人的消息" not in page
    assert page.index("第二条") < page.index("第一条")
    assert "2 条未读" in page


def test_unread_filter_and_paging(p):
    for i in range(35):
        tell(p.handler, f"消息{i:02d}")
    services.mark_read(user=p.handler, ids=[Notification.objects.get(title="消息34").pk])
    c = p.client(p.handler)
    first = c.get(reverse("notifications")).content.decode()
    assert "消息34" in first and "消息04" not in first and "第 1 / 2 页" in first
    assert "消息04" in c.get(reverse("notifications") + "?page=2").content.decode()
    unread = c.get(reverse("notifications") + "?unread=1").content.decode()
    assert "消息34" not in unread and "消息33" in unread


def test_open_marks_read_and_redirects_to_the_link(p):
    n = tell(p.handler, link="/calendar/")
    resp = p.client(p.handler).get(reverse("notification_open", args=[n.pk]))
    assert resp.status_code == 302 and resp["Location"] == "/calendar/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_open_without_link_or_with_foreign_link_stays_on_site(p):
    plain = tell(p.handler)
    foreign = tell(p.handler, link="//evil.example/")
    c = p.client(p.handler)
    assert c.get(reverse("notification_open", args=[plain.pk]))["Location"] == reverse("notifications")
    assert c.get(reverse("notification_open", args=[foreign.pk]))["Location"] == reverse("notifications")


def test_another_users_notification_is_404_to_open_and_to_mark(p):
    n = tell(p.handler, link="/calendar/")
    c = p.client(p.other_handler)
    assert c.get(reverse("notification_open", args=[n.pk])).status_code == 404
    assert c.post(reverse("notification_read", args=[n.pk])).status_code == 404
    assert c.post(reverse("notification_read", args=[n.pk + 1000])).status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_one_and_mark_all_touch_only_own(p):
    a, b = tell(p.handler, "甲"), tell(p.handler, "乙")
    theirs = tell(p.other_handler, "丙")
    c = p.client(p.handler)
    resp = c.post(reverse("notification_read", args=[a.pk]), {"next": "https://evil.example/"})
    assert resp["Location"] == reverse("notifications")
    a.refresh_from_db(), b.refresh_from_db()
    assert a.read_at is not None and b.read_at is None
    c.post(reverse("notifications"))
    b.refresh_from_db(), theirs.refresh_from_db()
    assert b.read_at is not None and theirs.read_at is None


def test_pages_need_a_login(p):
    n = tell(p.handler)
    for url in (
        reverse("notifications"),
        reverse("notification_preferences"),
        reverse("notification_open", args=[n.pk]),
    ):
        resp = Client().get(url)
        assert resp.status_code == 302 and reverse("login") in resp["Location"]


def test_unread_count_in_the_header_of_every_page(p):
    c = p.client(p.handler)
    assert "unread-count" not in c.get("/dept/inbox/").content.decode()
    tell(p.handler)
    tell(p.handler)
    tell(p.other_handler)
    page = c.get("/dept/inbox/").content.decode()
    assert "unread-count" in page and "未读 2" in page


def test_unread_count_caps_at_99(p):
    services.notify([p.handler] * 120, title="批量", email=False)
    page = p.client(p.handler).get(reverse("notification_preferences")).content.decode()
    assert "未读 99+" in page


def test_pages_in_english(p):
    tell(p.handler)
    c = p.client(p.handler)
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Mark all read" in c.get(reverse("notifications")).content.decode()
    page = c.get(reverse("notification_preferences")).content.decode()
    assert "Email settings" in page and "One daily digest" in page and "Appeals" in page

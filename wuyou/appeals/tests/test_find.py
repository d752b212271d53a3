"""Find anything (issue 10, item 4): departments search their whole history, every filter, sorting by the
table's headers, full text over titles, contents and replies (served by a trigram index on PostgreSQL),
saved views per user, and bad parameters answered in Chinese."""

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from wuyou.appeals import services
from wuyou.appeals.models import Appeal, SavedView, Status
from wuyou.testing import make_enterprise, submit

pytestmark = pytest.mark.django_db

NUMBER = re.compile(r"ZZ\d{8}-\d{4}")
ROW = re.compile(r'<a href="/appeals/\d+/">(ZZ\d{8}-\d{4})</a>')  # the number cell of a row


def dispatched(p, department="gdgs", co=("zjj",), **kw):
    a = submit(p, **kw)
    return services.appeal_dispatch(
        appeal_id=a.pk, by=p.center, department=department, co_departments=list(co)
    )


def shown(client, **params) -> list[str]:
    resp = client.get(reverse("appeal_search"), params)
    assert resp.status_code == 200, (params, resp.status_code)
    return ROW.findall(resp.content.decode())


def test_a_department_finds_its_whole_history_and_nothing_else(p):
    old = dispatched(p, title="三年前的停电诉求")
    Appeal.objects.filter(pk=old.pk).update(
        status=Status.CLOSED,
        created_at=timezone.now() - timedelta(days=1000),
        replied_at=timezone.now() - timedelta(days=990),
        closed_at=timezone.now() - timedelta(days=980),
    )
    theirs = dispatched(p, department="zrzyj", co=(), title="别的部门的用地诉求")
    # The inbox shows 90 days of replies; the search shows the department's whole history.
    inbox = p.client(p.handler).get(reverse("dept_inbox"), {"tab": "replied"}).content.decode()
    assert old.number not in inbox
    assert shown(p.client(p.handler)) == [old.number]
    assert shown(p.client(p.leader), q="停电") == [old.number]
    assert shown(p.client(p.co_handler)) == [old.number]  # co-handled (协办) counts as its own history
    assert shown(p.client(p.other_handler)) == [theirs.number]
    assert shown(p.client(p.center)) == [theirs.number, old.number]
    # Not even by name or number can a department reach another's appeal.
    assert shown(p.client(p.handler), q=theirs.number) == []
    assert shown(p.client(p.handler), department="zrzyj") == []
    # The enterprise side and the team (only escalated appeals) still have no search page.
    for user in (p.ent_user, p.cadre, p.team):
        assert p.client(user).get(reverse("appeal_search")).status_code == 403
    # The export follows the page: a department downloads its history, the enterprise is refused.
    assert p.client(p.handler).get(reverse("appeal_search_export")).status_code == 200
    assert p.client(p.ent_user).get(reverse("appeal_search_export")).status_code == 403


def test_each_filter_narrows_the_list(p):
    now = timezone.now()
    a = dispatched(p, title="甲")
    b = dispatched(p, title="乙")
    c = submit(p, title="丙")
    other = make_enterprise(7, "湘江电机制造有限公司", "430203")
    Appeal.objects.filter(pk=a.pk).update(
        created_at=now - timedelta(days=40),
        channel="hotline",
        category="complaint",
        location="栗雨工业园 A 区",
    )
    Appeal.objects.filter(pk=b.pk).update(
        created_at=now - timedelta(days=5),
        channel="wechat",
        escalation_level=2,
        reply_due_at=now - timedelta(days=1),
        location="董家塅高科园",
    )
    Appeal.objects.filter(pk=c.pk).update(enterprise=other, channel="breakfast", location="")
    center = p.client(p.center)
    day = lambda d: timezone.localdate(now - timedelta(days=d)).isoformat()  # noqa: E731
    cases = [
        ({"created_from": day(10)}, {b, c}),
        ({"created_to": day(10)}, {a}),
        ({"created_from": day(41), "created_to": day(39)}, {a}),
        ({"district": "430203"}, {c}),
        ({"district": "430211"}, {a, b}),
        ({"park": "栗雨"}, {a}),
        ({"category": "complaint"}, {a}),
        ({"channel": "wechat"}, {b}),
        ({"status": "submitted"}, {c}),
        ({"department": "gdgs"}, {a, b}),
        ({"overdue": "yes"}, {b}),
        ({"overdue": "no"}, {a, c}),
        ({"level": "2"}, {b}),
        ({"level": "0"}, {a, c}),
        ({"enterprise": "湘江电机"}, {c}),
        ({"enterprise": " " + other.uscc.lower()[:9] + " " + other.uscc.lower()[9:]}, {c}),  # code, any case
        ({"enterprise": p.enterprise.uscc}, {a, b}),
        ({"channel": "hotline", "category": "complaint", "park": "A 区"}, {a}),
    ]
    for params, expected in cases:
        assert set(shown(center, **params)) == {x.number for x in expected}, params
    # The filters stay in the form after the search.
    html = center.get(reverse("appeal_search"), {"park": "栗雨", "channel": "wechat", "level": "2"}).content
    html = html.decode()
    assert 'name="park" value="栗雨"' in html
    assert '<option value="wechat" selected>' in html and '<option value="2" selected>' in html


def test_the_table_sorts_by_its_headers(p):
    now = timezone.now()
    first, second, third = (dispatched(p, title=t) for t in ("一号", "二号", "三号"))
    Appeal.objects.filter(pk=first.pk).update(reply_due_at=now + timedelta(days=9))
    Appeal.objects.filter(pk=second.pk).update(reply_due_at=now + timedelta(days=1))
    Appeal.objects.filter(pk=third.pk).update(reply_due_at=None, status=Status.SUBMITTED, department=None)
    center = p.client(p.center)
    numbers = [first.number, second.number, third.number]
    assert shown(center) == numbers[::-1]  # newest first by default
    assert shown(center, sort="created") == numbers
    assert shown(center, sort="number") == sorted(numbers)
    assert shown(center, sort="-number") == sorted(numbers, reverse=True)
    assert shown(center, sort="due") == [second.number, first.number, third.number]  # no deadline: last
    assert shown(center, sort="-due") == [first.number, second.number, third.number]
    assert shown(center, sort="status")[-1] == third.number  # dispatched before submitted
    assert shown(center, sort="-status")[0] == third.number
    assert shown(center, sort="department")[-1] == third.number
    # The headers are links that keep the filters and turn the order around.
    page = center.get(reverse("appeal_search"), {"sort": "due", "department": "gdgs"}).content.decode()
    links = [
        parse_qs(urlparse(html.unescape(h)).query)
        for h in re.findall(r'<a class="sort[^"]*" href="([^"]+)"', page)
    ]
    hrefs = {q["sort"][0]: q for q in links}
    assert "-due" in hrefs and hrefs["-due"]["department"] == ["gdgs"]
    assert {"number", "-created", "status", "department"} <= set(hrefs)
    assert 'class="sort sort-asc"' in page


def test_full_text_finds_titles_contents_and_replies(p):
    a = dispatched(p, title="厂区道路积水", content="雨季时厂门口积水严重，货车无法进出。")
    services.appeal_sign(appeal_id=a.pk, by=p.handler)
    services.appeal_reply(
        appeal_id=a.pk, by=p.handler, result="solved", content="已协调市政疏通排水管网并加装雨水篦子。"
    )
    b = dispatched(p, title="用电报装", content="新厂房需要报装 800 千伏安变压器。")
    handler = p.client(p.handler)
    assert shown(handler, q="雨水篦子") == [a.number]  # only in the department's reply
    assert shown(handler, q="排水") == [a.number]  # two characters: read without the index, still found
    assert shown(handler, q="变压器") == [b.number]  # content
    assert shown(handler, q="厂区道路") == [a.number]  # title
    assert shown(handler, q="千伏安  变压器") == []  # not a substring of any text
    assert shown(handler, q=b.number.lower()) == [b.number]  # the number, any case
    assert set(shown(handler, q="厂")) == {a.number, b.number}  # one character
    assert shown(handler, q="不存在的词语") == []


def test_saved_views_belong_to_their_user(p):
    dispatched(p, title="停电")
    handler, center = p.client(p.handler), p.client(p.center)
    resp = handler.post(
        reverse("appeal_view_save"), {"name": "本部门超期", "query": "overdue=yes&status=in_progress&page=4"}
    )
    assert resp.status_code == 302 and resp["Location"] == "/appeals/?status=in_progress&overdue=yes"
    view = SavedView.objects.get(user=p.handler)
    assert view.query == "status=in_progress&overdue=yes"  # canonical: its filters, never the page
    html = handler.get(reverse("appeal_search")).content.decode()
    assert 'href="/appeals/?status=in_progress&amp;overdue=yes">本部门超期</a>' in html
    # Another user never sees, opens or deletes it.
    assert "本部门超期" not in center.get(reverse("appeal_search")).content.decode()
    assert "本部门超期" not in p.client(p.leader).get(reverse("appeal_search")).content.decode()
    assert center.post(reverse("appeal_view_delete", args=[view.pk])).status_code == 404
    assert p.client(p.leader).post(reverse("appeal_view_delete", args=[view.pk])).status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()
    # Saving under the same name replaces it; bad input saves nothing and says why.
    handler.post(reverse("appeal_view_save"), {"name": "本部门超期", "query": "overdue=yes"})
    assert list(SavedView.objects.filter(user=p.handler).values_list("query", flat=True)) == ["overdue=yes"]
    resp = handler.post(reverse("appeal_view_save"), {"name": "", "query": "overdue=yes"}, follow=True)
    assert "请填写视图名称" in resp.content.decode()
    resp = handler.post(reverse("appeal_view_save"), {"name": "坏的", "query": "sort=password"}, follow=True)
    assert "查询条件有误，未保存" in resp.content.decode()
    assert SavedView.objects.filter(user=p.handler).count() == 1
    # Its owner deletes it.
    assert handler.post(reverse("appeal_view_delete", args=[view.pk])).status_code == 302
    assert not SavedView.objects.filter(pk=view.pk).exists()
    assert handler.post(reverse("appeal_view_delete", args=[10**20])).status_code == 404


@pytest.mark.parametrize(
    "params, message",
    [
        ({"created_from": "2026-13-01"}, "提交日期起须为日期，如 2026-01-31"),
        ({"created_to": "1899-01-01"}, "日期须在 2000 年到 2100 年之间"),
        ({"created_from": "2026-05-02", "created_to": "2026-05-01"}, "截止日期不能早于起始日期"),
        ({"sort": "password"}, "不支持按该列排序"),
        ({"sort": "-created_at;drop"}, "不支持按该列排序"),
        ({"level": "9"}, "请从列表中选择督办层级"),
        ({"status": "deleted"}, "请从列表中选择状态"),
        ({"channel": "x" * 5000}, "请从列表中选择渠道"),
        ({"district": "999999"}, "请从列表中选择区县"),
        ({"department": "nope"}, "请从列表中选择主办部门"),
        ({"department": "d" * 300, "district": "4302111"}, "请从列表中选择区县"),
        ({"sort": "-" + "created" * 50}, "不支持按该列排序"),
        ({"q": "停" * 101}, "关键词最多 100 个字"),
        ({"enterprise": "企" * 201}, "企业最多 200 个字"),
    ],
)
def test_bad_parameters_are_answered_in_chinese(p, params, message):
    dispatched(p)
    for user in (p.center, p.handler):
        resp = p.client(user).get(reverse("appeal_search"), params)
        assert resp.status_code == 400
        html = resp.content.decode()
        assert message in html and "查询条件有误" in html
        assert not ROW.search(html)  # no rows for a bad query
        export = p.client(user).get(reverse("appeal_search_export"), params)
        assert export.status_code == 400 and message in export.content.decode()


def test_page_numbers_out_of_range_are_not_errors(p):
    a = dispatched(p)
    for page in ("abc", "0", "-1", "99999999999999999999", "9" * 5000):
        assert shown(p.client(p.center), page=page) == [a.number], page


def test_the_trigram_index_serves_the_search_on_postgresql(p):
    """Migration 0010: on PostgreSQL, pg_trgm GIN indexes over UPPER(title/content/reply_content) serve a
    3+ character search; on SQLite it creates nothing (and the search is a plain icontains)."""
    from wuyou.appeals import selectors

    with connection.cursor() as cur:
        if connection.vendor != "postgresql":
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%trgm%'")
            assert cur.fetchall() == []
            return
        cur.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'appeal_%_trgm' ORDER BY 1")
        names = [r[0] for r in cur.fetchall()]
        assert names == ["appeal_content_trgm", "appeal_reply_content_trgm", "appeal_title_trgm"]
        qs = selectors.search(p.center, q="停电三次").order_by()
        sql, params = qs.query.sql_with_params()
        # A test table is tiny: the planner would read it whole. Without sequential or plain index scans it
        # can still answer from bitmap scans, and does so only if the trigram indexes match the query.
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SET LOCAL enable_indexscan = off")
        cur.execute("EXPLAIN " + sql, params)
        plan = "\n".join(r[0] for r in cur.fetchall())
    for name in names:
        assert name in plan, plan
    # Two characters make no trigram: the bigram index of the joined text serves them.
    with connection.cursor() as cur:
        sql, params = selectors.search(p.center, q="停电").order_by().query.sql_with_params()
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SET LOCAL enable_indexscan = off")
        cur.execute("EXPLAIN " + sql, params)
        plan = "\n".join(r[0] for r in cur.fetchall())
    assert "appeal_text_bigrams" in plan, plan

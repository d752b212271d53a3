"""The desk (issue 10, item 3): bulk sign and dispatch, each appeal on its own; the department picker."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from wuyou.appeals import desk
from wuyou.appeals import services as s
from wuyou.appeals.models import Appeal, Event, Status
from wuyou.core.errors import InvalidInput
from wuyou.testing import submit


def _messages(resp):
    return [str(m) for m in get_messages(resp.wsgi_request)]


def _dispatched(p, n, department="gdgs"):
    out = []
    for i in range(n):
        a = submit(p, title=f"园区停电第{i + 1}次")
        out.append(s.appeal_dispatch(appeal_id=a.pk, by=p.center, department=department))
    return out


def _post_rows(appeals, seen=None, **extra):
    data = {"ids": [str(a.pk) for a in appeals], **extra}
    for a in appeals:
        data[f"seen-{a.pk}"] = (seen or {}).get(a.pk, a.status)
    return data


def test_inbox_to_sign_has_checkboxes_and_bulk_form(p):
    a, b = _dispatched(p, 2)
    body = p.client(p.handler).get(reverse("dept_inbox") + "?tab=to_sign").content.decode()
    assert reverse("dept_bulk_sign") in body
    assert f'name="ids" value="{a.pk}"' in body and f'name="ids" value="{b.pk}"' in body
    assert "data-select-all" in body and "批量签收" in body


def test_bulk_sign_two_succeed_stale_and_foreign_refused_with_reasons(p):
    a, b, stale = _dispatched(p, 3)
    (foreign,) = _dispatched(p, 1, department="zrzyj")
    # Someone signed `stale` after the list was drawn: the row still shows 已交办.
    s.appeal_sign(appeal_id=stale.pk, by=p.leader)
    stale_events = Event.objects.filter(appeal=stale).count()
    resp = p.client(p.handler).post(
        reverse("dept_bulk_sign"), _post_rows([a, b, stale, foreign], tab="to_sign")
    )
    assert resp.status_code == 302 and resp["Location"].endswith("?tab=to_sign")
    msgs = _messages(resp)
    assert "已签收 2 件" in msgs
    stale_msg = [m for m in msgs if stale.number in m]
    assert stale_msg and "状态已变化" in stale_msg[0] and "未签收" in stale_msg[0]
    # Another department's appeal: refused, and its number is not told.
    assert any(f"第 {foreign.pk} 号记录 未签收" in m for m in msgs)
    assert not any(foreign.number in m for m in msgs)
    for x in (a, b):
        x.refresh_from_db()
        assert x.status == Status.IN_PROGRESS and x.signed_at is not None
    foreign.refresh_from_db()
    assert foreign.status == Status.DISPATCHED and foreign.signed_at is None
    assert Event.objects.filter(appeal=stale).count() == stale_events  # nothing written for it


def test_bulk_sign_with_nothing_checked_says_so(p):
    resp = p.client(p.handler).post(reverse("dept_bulk_sign"), {"tab": "evil"})
    assert resp["Location"].endswith("?tab=to_sign")  # unknown tab: the first one, never elsewhere
    assert "请先勾选要办理的诉求" in _messages(resp)


def test_bulk_dispatch_to_one_department_by_name(p):
    a = submit(p, title="用电增容")
    b = submit(p, title="用电报装")
    done = submit(p, title="已交办的")
    s.appeal_dispatch(appeal_id=done.pk, by=p.center, department="zjj")
    done.refresh_from_db()
    resp = p.client(p.center).post(
        reverse("center_bulk_dispatch"),
        _post_rows(
            [a, b, done], seen={done.pk: Status.SUBMITTED}, department="供电", tab="new", note="请速办"
        ),
    )
    assert resp["Location"].endswith("?tab=new")
    msgs = _messages(resp)
    assert "已交办 2 件" in msgs
    assert any(done.number in m and "未交办" in m for m in msgs)
    for x in (a, b):
        x.refresh_from_db()
        assert x.status == Status.DISPATCHED and x.department.code == "gdgs"
    done.refresh_from_db()
    assert done.department.code == "zjj"


def test_bulk_dispatch_ambiguous_department_changes_nothing(p):
    a = submit(p)
    resp = p.client(p.center).post(
        reverse("center_bulk_dispatch"), _post_rows([a], department="市", tab="new")
    )
    msgs = _messages(resp)
    assert any("对应多个部门" in m for m in msgs)
    assert Appeal.objects.get(pk=a.pk).status == Status.SUBMITTED


def test_bulk_routes_refuse_other_roles(p):
    (a,) = _dispatched(p, 1)
    assert p.client(p.center).post(reverse("dept_bulk_sign"), _post_rows([a])).status_code == 403
    assert p.client(p.handler).post(reverse("center_bulk_dispatch"), _post_rows([a])).status_code == 403
    assert p.client(p.handler).get(reverse("dept_bulk_sign")).status_code == 405


@pytest.mark.parametrize("text", ["gdgs", "GDGS", "国网株洲供电公司", "供电", "gwzzgd", " 供电公司 "])
def test_department_picker_resolves_codes_names_and_initials(p, text):
    assert desk.resolve_department(text).code == "gdgs"


def test_department_picker_short_name_and_initials_of_a_bureau(p):
    assert desk.resolve_department("住建").code == "zjj"
    assert desk.resolve_department("市住房和城乡建设局").code == "zjj"


def test_department_picker_errors_list_candidates(p):
    with pytest.raises(InvalidInput) as exc:
        desk.resolve_department("住房")
    assert exc.value.code == "ambiguous_department"
    assert (
        "市住房和城乡建设局（zjj）" in exc.value.message
        and "市住房公积金管理中心（gjj）" in exc.value.message
    )
    with pytest.raises(InvalidInput) as exc:
        desk.resolve_department("不存在的单位")
    assert exc.value.code == "unknown_department" and "不存在的单位" in exc.value.message


def _next_href(body):
    import re

    m = re.search(r'href="([^"]+)" data-next-link', body)
    return m.group(1) if m else None


def test_inbox_rows_link_with_their_queue(p):
    (a,) = _dispatched(p, 1)
    body = p.client(p.handler).get(reverse("dept_inbox") + "?tab=to_sign").content.decode()
    assert f"{reverse('appeal_detail', args=[a.pk])}?from=inbox%3Ato_sign" in body


def test_next_item_after_signing_points_to_the_next_in_the_tab(p):
    a, b, c = _dispatched(p, 3)
    client = p.client(p.handler)
    url = reverse("appeal_detail", args=[a.pk])
    body = client.get(url + "?from=inbox:to_sign").content.decode()
    assert _next_href(body) == f"{reverse('appeal_detail', args=[b.pk])}?from=inbox%3Ato_sign"
    # Sign it from its page: the page after the action (no query string) still offers the next one.
    resp = client.post(reverse("appeal_act", args=[a.pk, "sign"]), {"expected_status": "dispatched"})
    body = client.get(resp["Location"]).content.decode()
    assert "下一件" in body
    assert _next_href(body) == f"{reverse('appeal_detail', args=[b.pk])}?from=inbox%3Ato_sign"
    # The last of the tab: nothing after it, and the way back to the list.
    body = client.get(reverse("appeal_detail", args=[c.pk]) + "?from=inbox:to_sign").content.decode()
    assert _next_href(body) is None and "中已没有其他诉求" in body


def test_next_item_in_the_center_queue(p):
    a = submit(p, title="第一件")
    b = submit(p, title="第二件")
    body = p.client(p.center).get(reverse("appeal_detail", args=[a.pk]) + "?from=queue:new").content.decode()
    assert _next_href(body) == f"{reverse('appeal_detail', args=[b.pk])}?from=queue%3Anew"


@pytest.mark.parametrize(
    "value", ["https://evil.example/", "//evil.example", "inbox:../../admin", "queue:new", "inbox:nope", ""]
)
def test_next_item_refuses_foreign_from_values(p, value):
    """Foreign values (a URL, an unknown tab, another role's queue) give no next link and no redirect."""
    a, b = _dispatched(p, 2)
    resp = p.client(p.handler).get(reverse("appeal_detail", args=[a.pk]), {"from": value})
    body = resp.content.decode()
    assert resp.status_code == 200
    assert _next_href(body) is None and "data-next-item" not in body
    assert 'href="https://evil' not in body and 'href="//evil' not in body


def test_dispatch_form_takes_a_name_and_checked_co_handlers(p):
    a = submit(p)
    client = p.client(p.center)
    body = client.get(reverse("appeal_detail", args=[a.pk])).content.decode()
    # Co-handlers: a filterable checkbox list, each with its pinyin initials for the filter.
    assert 'data-filter-text="国网株洲供电公司 gdgs gwzzgdgs"' in body
    assert 'type="checkbox" name="co_departments" value="zjj"' in body
    resp = client.post(
        reverse("appeal_act", args=[a.pk, "dispatch"]),
        {"expected_status": "submitted", "department": "供电", "co_departments": ["zjj"]},
    )
    assert "已交办" in _messages(resp)
    a.refresh_from_db()
    assert a.department.code == "gdgs" and list(a.co_handlers.values_list("department__code", flat=True)) == [
        "zjj"
    ]


def test_dispatch_form_ambiguous_name_lists_candidates_and_changes_nothing(p):
    a = submit(p)
    resp = p.client(p.center).post(
        reverse("appeal_act", args=[a.pk, "dispatch"]), {"expected_status": "submitted", "department": "住房"}
    )
    assert any("对应多个部门" in m and "市住房公积金管理中心（gjj）" in m for m in _messages(resp))
    a.refresh_from_db()
    assert a.status == Status.SUBMITTED and a.department is None

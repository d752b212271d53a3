"""Excel exports of the lists (issue 10, item 7): what the page shows, with its filters, names and labels
instead of codes, typed cells, the page's visibility, a streamed file; and the register export's names."""

import io
import re
from datetime import datetime, timedelta
from urllib.parse import urlencode

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from wuyou.appeals import services
from wuyou.appeals.models import Appeal, Supervision
from wuyou.orgs.models import Enterprise
from wuyou.orgs.services import enterprises_export, enterprises_import
from wuyou.testing import submit

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(resp):
    assert resp.status_code == 200, resp.status_code
    assert resp["Content-Type"] == XLSX
    assert resp.streaming, "the export is streamed from its file, not built in memory as one response"
    assert "attachment" in resp["Content-Disposition"] and ".xlsx" in resp["Content-Disposition"]
    return load_workbook(io.BytesIO(b"".join(resp.streaming_content)))


def _rows(ws) -> list[dict]:
    values = list(ws.iter_rows(values_only=True))
    header = values[0]
    return [dict(zip(header, row, strict=True)) for row in values[1:]]


def _notes(wb) -> dict:
    return {row[0]: row[1] for row in wb["导出说明"].iter_rows(values_only=True)}


def dispatched(p, **kw):
    a = submit(p, **kw)
    return services.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs", co_departments=["zjj"])


def test_search_export_has_names_labels_and_chinese_dates_and_applies_the_filters(p):
    a = dispatched(p, title="园区停电导出测试", contact_phone="13955550001", channel="hotline")
    other = submit(p, title="未交办的另一件")
    resp = p.client(p.center).get(reverse("appeal_search_export"), {"status": "dispatched"})
    wb = _workbook(resp)
    rows = _rows(wb["诉求"])
    assert [r["编号"] for r in rows] == [a.number]  # the status filter applies; `other` is not dispatched
    assert other.number not in str(rows)
    r = rows[0]
    assert r["标题"] == "园区停电导出测试"
    assert r["企业"] == "株洲钻石示范刀具有限公司"
    assert r["所属区县"] == "天元区"  # not 430211
    assert r["行业门类"] == "C 制造业"  # not C
    assert r["状态"] == "待签收" and r["类别"] == "求助" and r["紧急程度"] == "一般"
    assert r["主办部门"] == "国网株洲供电公司"  # not gdgs
    assert r["协办部门"] == "市住房和城乡建设局"
    assert r["联系电话"] == "139****0001"  # as every list shows it
    assert r["时限情况"] == "正常"
    # Dates are real dates, shown the Chinese way, in Shanghai time.
    ws = wb["诉求"]
    header = [c.value for c in next(ws.iter_rows(min_row=1, max_row=1))]
    created = ws.cell(row=2, column=header.index("提交时间") + 1)
    assert isinstance(created.value, datetime)
    assert created.number_format == 'yyyy"年"m"月"d"日" hh:mm'
    local = a.created_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)
    assert abs((created.value - local).total_seconds()) < 1
    notes = _notes(wb)
    assert notes["列表"] == "全部诉求" and "状态：待签收" in notes["筛选条件"]
    assert notes["「诉求」行数"] == "1"


def test_search_export_keyword_and_department_filters(p):
    a = dispatched(p, title="蒸汽管道漏气")
    dispatched(p, title="道路破损")
    c = p.client(p.inspector)
    rows = _rows(_workbook(c.get(reverse("appeal_search_export"), {"q": "蒸汽"}))["诉求"])
    assert [r["编号"] for r in rows] == [a.number]
    rows = _rows(_workbook(c.get(reverse("appeal_search_export"), {"department": "zrzyj"}))["诉求"])
    assert rows == []


def test_a_department_exports_only_what_it_sees(p):
    a = dispatched(p, title="只给供电公司看的诉求")
    lead = _rows(
        _workbook(p.client(p.handler).get(reverse("dept_inbox_export"), {"tab": "to_sign"}))["待签收"]
    )
    assert [r["编号"] for r in lead] == [a.number]
    # The co-handler owes an opinion: its 待协办 tab has it; its 待签收 tab (led appeals) has not.
    co = p.client(p.co_handler)
    assert [
        r["编号"]
        for r in _rows(_workbook(co.get(reverse("dept_inbox_export"), {"tab": "co_handling"}))["待协办"])
    ] == [a.number]
    assert _rows(_workbook(co.get(reverse("dept_inbox_export"), {"tab": "to_sign"}))["待签收"]) == []
    # An unrelated department sees none of it, in any tab.
    other = p.client(p.other_handler)
    for tab in ("to_sign", "in_progress", "overdue", "co_handling", "replied"):
        wb = _workbook(other.get(reverse("dept_inbox_export"), {"tab": tab}))
        assert a.number not in str([list(ws.values) for ws in wb.worksheets]), tab
    # The search export (issue 10, item 4: departments search their whole history) holds only its own.
    wb = _workbook(other.get(reverse("appeal_search_export")))
    assert a.number not in str([list(ws.values) for ws in wb.worksheets])
    co_rows = _rows(_workbook(co.get(reverse("appeal_search_export")))["诉求"])
    assert [r["编号"] for r in co_rows] == [a.number]
    # And the lists of the center are not a way around it.
    for name in ("center_queue_export", "center_board_export", "ranking_export"):
        assert p.client(p.handler).get(reverse(name)).status_code == 403, name
    assert p.client(p.ent_user).get(reverse("dept_inbox_export")).status_code == 403


def test_center_queue_and_board_exports(p):
    new = submit(p, title="待交办导出")
    d = dispatched(p, title="已交办导出")
    wb = _workbook(p.client(p.center).get(reverse("center_queue_export"), {"tab": "new"}))
    assert [r["编号"] for r in _rows(wb["待交办"])] == [new.number]
    assert _rows(wb["待交办"])[0]["主办部门"] is None
    # The board: its three lists as three sheets, all rows (the page shows 100 of each).
    services.appeal_escalate(appeal_id=d.pk, by=p.center, level=1, reason="企业多次反映")
    wb = _workbook(p.client(p.city_leader).get(reverse("center_board_export")))
    assert wb.sheetnames == ["已超期", "即将到期", "督办中", "导出说明"]
    escalated = _rows(wb["督办中"])
    assert [r["编号"] for r in escalated] == [d.number]
    assert escalated[0]["督办层级"] == "一级督办（协调中心）"


def test_supervision_and_ranking_exports(p):
    d = dispatched(p)
    services.appeal_sign(appeal_id=d.pk, by=p.handler)
    services.appeal_supervise(appeal_id=d.pk, by=p.center, note="请三日内反馈处理进展", due_days=3)
    wb = _workbook(p.client(p.center).get(reverse("center_supervision_export")))
    [row] = _rows(wb["督办单"])
    assert row["诉求编号"] == d.number and row["督办意见"] == "请三日内反馈处理进展"
    assert row["督办层级"] == "一级督办（协调中心）" and row["主办部门"] == "国网株洲供电公司"
    assert row["诉求状态"] == "办理中" and isinstance(row["督办期限"], datetime)
    assert Supervision.objects.count() == 1

    wb = _workbook(p.client(p.leader).get(reverse("ranking_export")))
    rows = _rows(wb["三率排名"])
    gdgs = next(r for r in rows if r["部门"] == "国网株洲供电公司")
    assert gdgs["名次"] >= 1 and gdgs["交办"] == 1 and gdgs["响应率"] == 1.0
    header = [c.value for c in next(wb["三率排名"].iter_rows(min_row=1, max_row=1))]
    col = header.index("响应率") + 1
    cell = wb["三率排名"].cell(row=1 + rows.index(gdgs) + 1, column=col)
    assert cell.number_format == "0.0%"
    assert "交办时间" in _notes(wb)["筛选条件"] and "综合得分" in _notes(wb)["计算方法"]


def test_text_never_becomes_a_formula_and_control_characters_do_not_break_the_file(p):
    a = dispatched(p, title='=HYPERLINK("http://evil.example","点我")')
    # Intake refuses control characters; rows from before that rule (or an import) may still hold them.
    Appeal.objects.filter(pk=a.pk).update(content="内容\x0b含有控制字符\x01")
    wb = _workbook(p.client(p.center).get(reverse("appeal_search_export")))
    ws = wb["诉求"]
    header = [c.value for c in next(ws.iter_rows(min_row=1, max_row=1))]
    title = ws.cell(row=2, column=header.index("标题") + 1)
    assert title.data_type == "s" and title.value.startswith("=HYPERLINK")
    assert ws.cell(row=2, column=header.index("诉求内容") + 1).value == "内容含有控制字符"


@override_settings(APPEAL_EXPORT_MAX_ROWS=2)
def test_a_list_longer_than_the_cap_is_cut_and_says_so(p):
    for i in range(3):
        submit(p, title=f"第 {i} 件")
    wb = _workbook(p.client(p.center).get(reverse("appeal_search_export")))
    assert len(_rows(wb["诉求"])) == 2
    assert "只导出了前 2 行" in _notes(wb)["「诉求」行数"]


def test_every_list_page_links_its_export_with_the_current_filters(p):
    dispatched(p)
    pages = [
        (p.center, "center_queue", {"tab": "reviewing"}, "center_queue_export"),
        (p.center, "center_board", {}, "center_board_export"),
        (p.center, "center_supervision", {}, "center_supervision_export"),
        (p.center, "appeal_search", {"status": "dispatched", "q": "停电"}, "appeal_search_export"),
        (p.center, "ranking", {"start": "2026-01-01"}, "ranking_export"),
        (p.handler, "dept_inbox", {"tab": "overdue"}, "dept_inbox_export"),
        (p.team, "team_queue", {}, "team_queue_export"),
    ]
    for user, page, query, export in pages:
        html = p.client(user).get(reverse(page), query).content.decode()
        href = reverse(export)
        assert f'href="{href}?' in html or f'href="{href}"' in html, page
        link = html.split(href, 1)[1].split('"', 1)[0]
        for key, value in query.items():
            assert urlencode({key: value}) in link, (page, key, link)
        assert "导出 Excel" in html


def test_register_export_shows_names_and_imports_again(p):
    resp = p.client(p.center).get(reverse("enterprise_export"), {"q": "钻石"})
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.content))
    rows = _rows(wb["企业"])
    assert [r["企业名称"] for r in rows] == ["株洲钻石示范刀具有限公司"]  # the page's search applies
    assert rows[0]["所属区县"] == "天元区" and rows[0]["行业门类"] == "C 制造业" and rows[0]["规模"] == "小型"
    # The whole register round-trips: names are read back as the codes they stand for.
    assert enterprises_import(content=enterprises_export()) == {"created": 0, "updated": 2}
    ent = Enterprise.objects.get(uscc=p.enterprise.uscc)
    assert ent.industry == "C" and ent.district.code == "430211"


def test_each_export_has_exactly_the_rows_of_its_page(p):
    """The exports repeat their pages' queries (exports.py): any drift between the two shows here."""
    from wuyou.appeals.selectors import DEPT_TABS

    submit(p, title="待交办")
    dispatched(p, title="待签收")
    late = dispatched(p, title="超期督办")
    services.appeal_sign(appeal_id=late.pk, by=p.handler)
    services.appeal_escalate(appeal_id=late.pk, by=p.center, level=2, reason="久拖不决")
    Appeal.objects.filter(pk=late.pk).update(reply_due_at=timezone.now() - timedelta(days=2))
    done = dispatched(p, title="已答复")
    services.appeal_sign(appeal_id=done.pk, by=p.handler)
    services.appeal_reply(appeal_id=done.pk, by=p.handler, result="solved", content="已处理")
    cases = [(p.center, "center_queue", {"tab": t}) for t in ("new", "reviewing", "returned")]
    cases += [(p.handler, "dept_inbox", {"tab": t}) for t in DEPT_TABS]
    cases += [(p.co_handler, "dept_inbox", {"tab": "co_handling"})]
    cases += [(p.inspector, "appeal_search", q) for q in ({}, {"status": "in_progress"}, {"overdue": "yes"})]
    cases += [(p.city_leader, "center_board", {}), (p.team, "team_queue", {})]
    number = re.compile(r"ZZ\d{8}-\d{4}")
    nonempty = 0
    for user, page, query in cases:
        shown = set(number.findall(p.client(user).get(reverse(page), query).content.decode()))
        wb = _workbook(p.client(user).get(reverse(f"{page}_export"), query))
        exported = {r["编号"] for ws in wb.worksheets if ws.title != "导出说明" for r in _rows(ws)}
        assert exported == shown, (page, query, exported, shown)
        nonempty += bool(shown)
    assert nonempty >= 8, nonempty  # most lists have rows: the comparison says something
    assert exported == {late.number}  # the last case: the task force's queue has the escalated appeal


def test_the_workbook_is_written_in_constant_memory():
    """Ten times the rows, ten times the file, the same memory: rows leave as compressed bytes."""
    import tracemalloc

    from wuyou.appeals import exports
    from wuyou.core import excel

    at = timezone.now()
    row = {c.key: f"{c.header}的内容" for c in exports.APPEAL_SHEET_COLUMNS} | {"created_at": at}

    def run(n: int) -> tuple[int, int]:
        tracemalloc.start()
        part = exports.Part(excel.Sheet("诉求", exports.APPEAL_SHEET_COLUMNS), ({**row} for _ in range(n)))
        size = sum(len(chunk) for chunk in exports.write([part]))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert part.written == n
        return size, peak

    small_size, small_peak = run(1_000)
    big_size, big_peak = run(10_000)
    assert big_size > 5 * small_size
    assert big_peak < small_peak * 1.5 + 512 * 1024, (small_peak, big_peak)

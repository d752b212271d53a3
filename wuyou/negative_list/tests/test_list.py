"""The list: demo data, public pages, search, API shape, versions, Excel import and export."""

import io

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from wuyou.core.errors import InvalidInput
from wuyou.negative_list import catalog, excel
from wuyou.negative_list.models import Category, Domain, Item, ListVersion

from .helpers import file_report

pytestmark = pytest.mark.django_db


def test_demo_list_is_complete(nl):
    assert nl.status == ListVersion.Status.TRIAL
    assert Category.objects.filter(version=nl).count() == 5
    assert Domain.objects.filter(category__version=nl).count() == 20
    assert Item.objects.filter(version=nl).count() == 155
    assert not Item.objects.filter(version=nl, behaviour="").exists()
    assert catalog.load_demo_list() is None  # idempotent


def test_api_returns_version_in_force(nl):
    r = Client().get("/api/v1/negative-list")
    assert r.status_code == 200
    body = r.json()
    assert body["version"] == nl.version and body["name"] == nl.name
    assert len(body["categories"]) == 5
    assert sum(len(c["domains"]) for c in body["categories"]) == 20
    items = [i for c in body["categories"] for d in c["domains"] for i in d["items"]]
    assert len(items) == 155
    assert set(items[0]) == {"code", "behaviour", "departments", "basis"}
    c1 = next(i for i in items if i["code"] == "C1-02")
    assert "sfj" in c1["departments"]


def test_api_without_list_is_404(db):
    r = Client().get("/api/v1/negative-list")
    assert r.status_code == 404 and r.json()["code"] == "no_list"


def test_public_pages_browse_search_item(nl):
    c = Client()
    r = c.get("/negative-list/")
    assert r.status_code == 200 and "准入开办类" in r.content.decode()
    r = c.get("/negative-list/?domain=C1")
    assert "涉企检查" in r.content.decode() and "C1-02" in r.content.decode()
    r = c.get("/negative-list/", {"q": "重复检查"})
    html = r.content.decode()
    assert "C1-02" in html
    assert html.index("C1-02") < html.index("按类别和领域浏览")
    r = c.get("/negative-list/items/C1-02/")
    assert r.status_code == 200
    assert "我要举报" in r.content.decode() and "?item=C1-02" in r.content.decode()
    assert c.get("/negative-list/items/ZZ-99/").status_code == 404
    assert c.get("/negative-list/?domain=ZZ").status_code == 404


def test_search_api_segments_chinese(nl):
    r = Client().get("/api/v1/negative-list/search", {"q": "拖欠工程尾款"})
    codes = [i["code"] for i in r.json()]
    assert "D4-04" in codes[:3]
    assert Client().get("/api/v1/negative-list/search", {"q": "吃拿卡要"}).json()[0]["code"] == "E2-07"


def test_export_import_round_trip(nl):
    data = excel.export_version(nl)
    rows, errors = excel.read_rows(io.BytesIO(data))
    assert errors == [] and len(rows) == 155
    lv = catalog.create_version(name="新版", version="2025", issuer="办公室", effective_on=None, rows=rows)
    assert lv.status == ListVersion.Status.DRAFT and lv.items.count() == 155
    assert set(lv.items.get(code="B3-01").departments.values_list("code", flat=True)) == {
        "gdgs",
        "swjt",
        "rqgs",
        "txgs",
    }


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append([label for _, label in excel.COLUMNS])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "list.xlsx"
    return buf


def test_bad_file_reports_each_row_and_imports_nothing(nl):
    f = _xlsx(
        [
            ["A", "类一", "A1", "域一", "A1-01", "行为一", "gdgs", "", ""],
            ["A", "类一", "A1", "域一", "A1-01", "重复编码", "", "", ""],
            ["A", "类一", "A1", "域一", "A1-03", "", "nosuch", "", ""],
            ["A", "别的名字", "A2", "域二", "A2-01", "行为", "", "", ""],
        ]
    )
    rows, errors = excel.read_rows(f)
    assert rows == []
    by_row = {e.row: e.message for e in errors}
    assert set(by_row) == {3, 4, 5}
    assert "重复" in by_row[3] and "刁难行为不能为空" in by_row[4] and "nosuch" in by_row[4]
    assert "名称" in by_row[5]
    before = ListVersion.objects.count()
    with pytest.raises(InvalidInput):
        catalog.create_version(
            name="x",
            version="x",
            issuer="x",
            effective_on=None,
            rows=[
                {
                    "category_code": "A",
                    "category_name": "a",
                    "domain_code": "A1",
                    "domain_name": "d",
                    "code": "1",
                    "behaviour": "b",
                    "departments": "nosuch",
                }
            ],
        )
    assert ListVersion.objects.count() == before


def test_garbage_file_and_missing_header(nl):
    junk = io.BytesIO(b"not an excel file")
    assert excel.read_rows(junk)[1][0].row == 0
    wb = Workbook()
    wb.active.append(["类别编码", "随便"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    assert "表头缺少列" in excel.read_rows(buf)[1][0].message


def test_center_imports_through_page_and_publishes(nl, p, inv):
    c = p.client(p.center)  # list management is for any center user
    r = c.get(f"/negative-list/versions/{nl.pk}/export.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.active.max_row == 156
    old_item = Item.objects.get(version=nl, code="C1-02")
    report, _ = file_report()
    f = io.BytesIO(r.content)
    f.name = "list.xlsx"
    r = c.post(
        "/negative-list/center/versions/",
        {"action": "import", "name": "二版", "version": "2026", "issuer": "办公室", "file": f},
    )
    assert r.status_code == 302
    new = ListVersion.objects.get(version="2026")
    r = c.post(
        "/negative-list/center/versions/", {"action": "publish", "version": new.pk, "status": "in_force"}
    )
    nl.refresh_from_db()
    new.refresh_from_db()
    assert nl.status == ListVersion.Status.RETIRED and new.status == ListVersion.Status.IN_FORCE
    # The old report still cites the item of the version it was filed under.
    assert list(report.items.all()) == [old_item]
    assert Client().get("/api/v1/negative-list").json()["version"] == "2026"
    # Old item pages keep working for old links.
    assert Client().get("/negative-list/items/C1-02/").status_code == 200


def test_bad_import_through_page_shows_rows(nl, p):
    c = p.client(p.center)
    f = _xlsx([["A", "类一", "A1", "域一", "A1-01", "", "", "", ""]])
    r = c.post(
        "/negative-list/center/versions/",
        {"action": "import", "name": "n", "version": "v9", "issuer": "i", "file": f},
    )
    assert r.status_code == 200 and "第 2 行" in r.content.decode()
    assert not ListVersion.objects.filter(version="v9").exists()


def test_version_management_is_not_for_others(nl, p):
    for user in (p.ent_user, p.handler, p.city_leader):
        assert p.client(user).get("/negative-list/center/versions/").status_code == 404
    assert Client().get("/negative-list/center/versions/").status_code == 404


def test_load_command_is_idempotent_and_grants(db, p):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("load_negative_list", "--grant", "center", stdout=out)
    call_command("load_negative_list", stdout=out)
    assert ListVersion.objects.count() == 1 and Item.objects.count() == 155
    from wuyou.negative_list.permissions import is_investigator
    from wuyou.orgs.models import User

    assert is_investigator(User.objects.get(username="center"))

"""The list's Excel template and row cap, and the audit rows of list-version writes."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from wuyou.core.audit import AuditRecord
from wuyou.negative_list import catalog, excel
from wuyou.negative_list.models import ListVersion

pytestmark = pytest.mark.django_db


def _upload(data: bytes, name="list.xlsx"):
    f = io.BytesIO(data)
    f.name = name
    return f


def test_template_route_and_filled_template_imports(nl, p):
    c = p.client(p.center)
    r = c.get("/negative-list/center/versions/template.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb.worksheets[0]
    assert [cell.value for cell in ws[1]] == [label for _, label in excel.COLUMNS]
    assert ws.freeze_panes == "A2"
    assert excel.read_rows(io.BytesIO(r.content))[1][0].message == "文件中没有任何条目"
    ws["F2"] = "要求企业重复提交已有材料"
    ws.append(["A", "准入开办类", "A1", "登记注册", "A1-02", "另一条", "", "", ""])
    buf = io.BytesIO()
    wb.save(buf)
    r = c.post(
        "/negative-list/center/versions/",
        {
            "action": "import",
            "name": "模板",
            "version": "T1",
            "issuer": "办",
            "file": _upload(buf.getvalue()),
        },
    )
    assert r.status_code == 302
    assert ListVersion.objects.get(version="T1").items.count() == 2
    assert p.client(p.ent_user).get("/negative-list/center/versions/template.xlsx").status_code == 404


def test_three_bad_rows_reported_and_file_over_cap_refused(nl):
    wb = Workbook()
    ws = wb.active
    ws.append([label for _, label in excel.COLUMNS])
    ws.append(["A", "类", "A1", "域", "A1-01", "", "", "", ""])
    ws.append(["A", "类", "A1", "域", "A1-02", "好", "", "", ""])
    ws.append(["A", "类", "A1", "域", "A1-03", "x", "nosuch", "", ""])
    ws.append(["A", "类", "A1", "域", "A1-02", "重复", "", "", ""])
    buf = io.BytesIO()
    wb.save(buf)
    rows, errors = excel.read_rows(io.BytesIO(buf.getvalue()))
    assert rows == [] and [e.row for e in errors] == [2, 4, 5]
    for i in range(excel.MAX_ROWS):
        ws.append(["A", "类", "A1", "域", f"Z{i}", "行为", "", "", ""])
    buf = io.BytesIO()
    wb.save(buf)
    rows, errors = excel.read_rows(io.BytesIO(buf.getvalue()))
    assert rows == [] and len(errors) == 1 and "5000" in errors[0].message


def test_import_publish_and_delete_each_record_one_audit_row(nl, p):
    c = p.client(p.center)
    data = excel.export_version(nl)
    c.post(
        "/negative-list/center/versions/",
        {"action": "import", "name": "二版", "version": "2026", "issuer": "办", "file": _upload(data)},
    )
    new = ListVersion.objects.get(version="2026")
    # The demo list's own rows (creation and publication by the system) came before.
    assert set(AuditRecord.objects.filter(actor=None).values_list("action", flat=True)) == {
        "nl_version.create",
        "nl_version.publish",
    }
    ours = AuditRecord.objects.exclude(actor=None)
    [rec] = ours
    assert rec.action == "nl_version.create" and rec.actor == p.center and rec.subject_id == str(new.pk)
    assert rec.after["items"] == 155 and rec.after["categories"] == 5 and rec.after["status"] == "draft"

    c.post("/negative-list/center/versions/", {"action": "publish", "version": new.pk, "status": "in_force"})
    rec = ours.get(action="nl_version.publish")
    assert rec.actor == p.center and rec.before["status"] == "draft" and rec.after["status"] == "in_force"
    assert str(nl) in rec.note
    assert AuditRecord.objects.exclude(actor=None).count() == 2

    lv = catalog.create_version(
        name="草",
        version="3",
        issuer="办",
        effective_on=None,
        rows=excel.read_rows(io.BytesIO(data))[0],
        by=p.center,
    )
    c.post("/negative-list/center/versions/", {"action": "delete", "version": lv.pk})
    rec = ours.get(action="nl_version.delete")
    assert rec.actor == p.center and rec.before["version"] == "3"
    assert not ListVersion.objects.filter(pk=lv.pk).exists()

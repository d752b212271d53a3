"""Administrative writes appear on the audit page (审计日志) for inspectors (and the audit administrator), and
nowhere else: the center changes the configuration, so under 三权分立 it does not read the audit of it."""

from io import BytesIO, StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from wuyou.core.audit import AuditRecord
from wuyou.dispatch import services as dispatch_services


def test_an_admin_write_is_on_the_audit_page_and_in_its_export(p):
    dispatch_services.set_auto_rule(by=p.center, category="consult", enabled=True, threshold=0.8)
    record = AuditRecord.objects.get(action="auto_dispatch_rule.update")
    assert record.actor == p.center and record.after == {"enabled": True, "threshold": 0.8}
    for user in (p.inspector,):
        page = p.client(user).get("/audit/", {"action": "auto_dispatch_rule"})
        assert page.status_code == 200
        assert "修改自动交办规则" in page.content.decode() and "置信度阈值：0.8" in page.content.decode()
    other = p.client(p.inspector).get("/audit/", {"action": "calendar"}).content.decode()
    assert "<td>修改自动交办规则</td>" not in other and "没有记录" in other
    export = p.client(p.inspector).get("/audit/export.xlsx", {"actor": p.center.username})
    ws = openpyxl.load_workbook(BytesIO(export.content)).active
    assert [c.value for c in ws[1]][:3] == ["时间", "操作人", "操作"]
    assert ws.cell(row=2, column=3).value == "修改自动交办规则"


@pytest.mark.parametrize("who", ["center", "ent_user", "handler", "leader", "team", "cadre", "city_leader"])
def test_others_are_refused(p, who):
    dispatch_services.set_auto_rule(by=p.center, category="consult", enabled=True, threshold=0.8)
    for url in ("/audit/", "/audit/export.xlsx"):
        resp = p.client(getattr(p, who)).get(url)
        assert resp.status_code == 403 and b"auto_dispatch_rule" not in resp.content


def test_verify_audit_names_a_tampered_admin_record(p):
    dispatch_services.set_auto_rule(by=p.center, category="consult", enabled=True, threshold=0.8)
    dispatch_services.set_auto_rule(by=p.center, category="consult", enabled=False, threshold=0.8)
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "审计链完整" in out.getvalue()
    AuditRecord.objects.filter(seq=1).update(after={"enabled": False})
    with pytest.raises(CommandError, match="admin"):
        call_command("verify_audit", stdout=StringIO())

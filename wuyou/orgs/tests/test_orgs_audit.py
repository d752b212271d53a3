"""Enterprise import through the Excel kernel, its template, and the audit rows of organisation writes."""

import io
import time

import openpyxl
import pytest
from django.urls import reverse

from wuyou.core.audit import AuditRecord
from wuyou.orgs import services
from wuyou.orgs.models import Department, Enterprise, Role, User
from wuyou.orgs.services import EXCEL_COLUMNS, ImportFailed, enterprises_import
from wuyou.testing import make_uscc

pytestmark = pytest.mark.django_db


def xlsx(rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(EXCEL_COLUMNS)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def row(serial, **overrides):
    values = dict(
        uscc=make_uscc(serial),
        name=f"企业{serial}",
        district="430211",
        industry="C",
        size="小",
        tags="",
        contact="",
        phone="",
        address="",
    )
    values.update(overrides)
    return list(values.values())


def test_three_bad_rows_are_all_reported_and_nothing_is_imported(p):
    before = Enterprise.objects.count()
    data = xlsx(
        [row(11), row(12, district="火星区"), row(13), row(14, industry="9"), row(15, phone="123"), row(16)]
    )
    with pytest.raises(ImportFailed) as info:
        enterprises_import(content=data, by=p.center)
    errors = {e.row: e.message for e in info.value.errors}
    assert set(errors) == {3, 5, 6}
    assert "火星区" in errors[3] and "行业门类" in errors[5] and "联系电话" in errors[6]
    assert "共 3 处错误" in info.value.message
    assert Enterprise.objects.count() == before
    assert not AuditRecord.objects.exists()


def test_file_over_the_row_cap_is_refused(p):
    rows = [row(100 + i) for i in range(5001)]
    with pytest.raises(ImportFailed) as info:
        enterprises_import(content=xlsx(rows), by=p.center)
    assert info.value.code == "too_many_rows" and "5000" in info.value.message
    assert not Enterprise.objects.filter(name__startswith="企业1").exists()


def test_template_download_and_filled_template_reimports(p):
    c = p.client(p.center)
    resp = c.get(reverse("enterprise_template"))
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd.openxml")
    wb = openpyxl.load_workbook(io.BytesIO(resp.content))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == EXCEL_COLUMNS and ws.freeze_panes == "A2"
    lists = {str(dv.sqref)[0] for dv in ws.data_validations.dataValidation}
    assert {"C", "D", "E"} <= lists  # district, industry and size offer drop-down lists
    # Unchanged, the example row is not imported.
    with pytest.raises(ImportFailed, match="没有数据行"):
        enterprises_import(content=resp.content, by=p.center)
    ws["A2"], ws["B2"], ws["E2"] = make_uscc(77), "株洲模板填写有限公司", "中型"
    buf = io.BytesIO()
    wb.save(buf)
    assert enterprises_import(content=buf.getvalue(), by=p.center) == {"created": 1, "updated": 0}
    e = Enterprise.objects.get(uscc=make_uscc(77))
    assert e.size == "medium" and e.district.name == "天元区" and e.contact_phone == "13812341234"
    for who in (p.ent_user, p.handler):
        assert p.client(who).get(reverse("enterprise_template")).status_code == 403


def test_import_records_one_audit_row_with_counts(p):
    c = p.client(p.center)
    upload = io.BytesIO(xlsx([row(21), row(22), row(1, name="改名")]))
    upload.name = "e.xlsx"
    c.post(reverse("enterprise_list"), {"file": upload})
    [rec] = AuditRecord.objects.all()
    assert (rec.action, rec.actor, rec.subject_type) == ("enterprise.import", p.center, "orgs.enterprise")
    assert rec.after == {"created": 2, "updated": 1, "rows": 3} and rec.before == {}


def test_enterprise_save_records_before_and_after(p):
    data = {"uscc": p.enterprise.uscc, "name": "新名字", "district": "430211", "industry": "C", "size": "小"}
    services.enterprise_save(data=data, by=p.center)
    [rec] = AuditRecord.objects.all()
    assert rec.action == "enterprise.update" and rec.actor == p.center
    assert rec.before["name"] == "株洲钻石示范刀具有限公司" and rec.after["name"] == "新名字"


def test_department_update_records_before_and_after(p):
    dept = Department.objects.get(code="gdgs")
    services.department_update(code="gdgs", by=p.center, keywords="供电 停电", is_active=False)
    [rec] = AuditRecord.objects.all()
    assert rec.action == "department.update" and rec.actor == p.center and rec.subject_label == dept.name
    assert rec.before == {"keywords": dept.keywords, "is_active": True}
    assert rec.after == {"keywords": "供电 停电", "is_active": False}
    assert not Department.objects.get(code="gdgs").is_active


def test_user_role_change_records_before_and_after(p):
    services.user_set_role(user_id=p.cadre.pk, role=Role.CENTER, by=p.center)
    [rec] = AuditRecord.objects.all()
    assert rec.action == "user.role" and rec.actor == p.center and rec.subject_id == str(p.cadre.pk)
    assert rec.before == {"role": "cadre"} and rec.after == {"role": "center"}


def reauthenticated(c):
    """As if the user had just passed 「验证身份」: changing users in the admin asks for it."""
    from wuyou.accounts import recent

    session = c.session
    session[recent.SESSION_KEY] = int(time.time())
    session.save()
    return c


def test_role_change_through_django_admin_records_user_role(p):
    root = User.objects.create_superuser(username="root", password="pw-123456!", role="admin")
    c = reauthenticated(p.client(root))
    url = reverse("admin:orgs_user_change", args=[p.cadre.pk])
    form = c.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("password",)}
    data.update(
        role="center", date_joined_0="2026-01-01", date_joined_1="00:00:00", groups=[], user_permissions=[]
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data.pop("locked_until", None)
    data = {k: v for k, v in data.items() if not isinstance(v, list) or v}
    resp = c.post(url, data)
    assert resp.status_code == 302, resp.context["adminform"].form.errors
    # The field-level record; the authentication category has its own auth.role_changed beside it.
    rec = AuditRecord.objects.exclude(action__startswith="auth.").get()
    assert rec.action == "user.role" and rec.actor == root and rec.note == "管理后台"
    assert rec.before["role"] == "cadre" and rec.after["role"] == "center"
    assert "password" not in rec.before and "password" not in rec.after


def test_granting_the_investigator_permission_through_django_admin_is_audited(p):
    from django.contrib.auth.models import Permission

    root = User.objects.create_superuser(username="root", password="pw-123456!", role="admin")
    perm = Permission.objects.get(codename="investigate_report")
    c = reauthenticated(p.client(root))
    url = reverse("admin:orgs_user_change", args=[p.center.pk])
    form = c.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("password",)}
    data.update(date_joined_0="2026-01-01", date_joined_1="00:00:00", groups=[], user_permissions=[perm.pk])
    for k in ("date_joined", "last_login", "locked_until"):
        data.pop(k, None)
    data = {k: v for k, v in data.items() if not isinstance(v, list) or v}
    resp = c.post(url, data)
    assert resp.status_code == 302, resp.context["adminform"].form.errors
    rec = AuditRecord.objects.get(action="user.permissions")
    assert rec.actor == root and rec.before == {"user_permissions": []}  # only what changed
    assert rec.after["user_permissions"] == [str(perm)]


def test_department_edit_through_django_admin_is_audited(p):
    root = User.objects.create_superuser(username="root", password="pw-123456!", role="admin")
    dept = Department.objects.get(code="gdgs")
    resp = p.client(root).post(
        reverse("admin:orgs_department_change", args=[dept.pk]),
        {
            "name": "株洲供电公司（改名）",
            "kind": dept.kind,
            "district": dept.district_id or "",
            "responsibility": dept.responsibility,
            "keywords": dept.keywords,
            "is_active": "on",
        },
    )
    assert resp.status_code == 302
    [rec] = AuditRecord.objects.all()
    assert rec.action == "department.update" and rec.actor == root
    assert rec.before == {"name": dept.name} and rec.after == {"name": "株洲供电公司（改名）"}

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from wuyou.orgs.catalogue import DEPARTMENTS
from wuyou.orgs.models import Department, District, Enterprise, User
from wuyou.orgs.services import EXCEL_COLUMNS, ImportFailed, enterprises_export, enterprises_import
from wuyou.orgs.validators import clean_phone, clean_uscc, mask_phone
from wuyou.testing import PASSWORD, make_uscc

EXPECTED_CODES = """fgw gxj kjj gaj sfj czj rsj zrzyj sthjj zjj jtj slj swj yjj scjgj ybj cgj spj jrj tax gjj xfzd hg rmyh
wjw jyj tzb jw ybhj gdgs swjt rqgs txgs gtjt fy tyq lsq htq sfq lkq lls yx clx ylx""".split()


@pytest.mark.django_db
def test_default_catalogue_has_exactly_the_listed_departments_and_districts():
    assert sorted(Department.objects.values_list("code", flat=True)) == sorted(EXPECTED_CODES)
    assert District.objects.get(code="430211").name == "天元区"
    assert District.objects.count() == 10
    assert all(len(d[4]) > 40 for d in DEPARTMENTS), "every department needs a responsibility text"


def test_uscc_errors_name_the_problem():
    good = make_uscc(42)
    assert clean_uscc(good.lower()) == good
    with pytest.raises(ValidationError, match="18位"):
        clean_uscc(good[:-2])
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="校验位错误"):
        clean_uscc(wrong)
    with pytest.raises(ValidationError, match="不能为空"):
        clean_uscc("")


def test_phone_normalised_and_masked():
    assert clean_phone("+86 138-1234-1234") == "13812341234"
    assert clean_phone("0731-22881234") == "073122881234"
    with pytest.raises(ValidationError):
        clean_phone("123")
    assert mask_phone("13812341234") == "138****1234"


def xlsx(rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(EXCEL_COLUMNS)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.django_db
def test_excel_import_is_all_or_nothing_with_row_numbers():
    good = [
        make_uscc(1),
        "株洲甲硬质合金有限公司",
        "430211",
        "C",
        "中",
        "规上企业、高新技术企业",
        "王",
        "13812341234",
        "",
    ]
    bad_code = [make_uscc(2)[:-1] + "X", "株洲乙", "天元区", "C", "小", "", "", "", ""]
    bad_size = [make_uscc(3), "株洲丙", "430203", "C", "巨大", "", "", "", ""]
    with pytest.raises(ImportFailed) as exc:
        enterprises_import(content=xlsx([good, bad_code, bad_size]))
    msgs = [str(e) for e in exc.value.errors]
    assert msgs[0].startswith("第 3 行") and "统一社会信用代码" in msgs[0]
    assert msgs[1].startswith("第 4 行") and "规模" in msgs[1]
    assert Enterprise.objects.count() == 0
    result = enterprises_import(content=xlsx([good]))
    assert result == {"created": 1, "updated": 0}
    e = Enterprise.objects.get()
    assert e.size == "medium" and e.tags == ["规上企业", "高新技术企业"] and e.district.code == "430211"
    # Round trip: the export imports again as an update.
    assert enterprises_import(content=enterprises_export()) == {"created": 0, "updated": 1}


@pytest.mark.django_db
def test_excel_import_rejects_duplicates_and_non_excel():
    row = [make_uscc(1), "甲", "430211", "C", "小", "", "", "", ""]
    with pytest.raises(ImportFailed, match="重复"):
        enterprises_import(content=xlsx([row, row]))
    with pytest.raises(Exception, match="xlsx"):
        enterprises_import(content=b"not a spreadsheet")


@pytest.mark.django_db
def test_enterprise_page_import_and_export_for_center_only(p):
    c = p.client(p.center)
    resp = c.get(reverse("enterprise_export"))
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd.openxml")
    upload = io.BytesIO(xlsx([[make_uscc(9), "株洲丁", "430211", "C", "小", "", "", "", ""]]))
    upload.name = "e.xlsx"
    resp = c.post(reverse("enterprise_list"), {"file": upload}, follow=True)
    assert "导入成功" in resp.content.decode()
    for who in (p.ent_user, p.handler, p.team, p.city_leader):
        assert p.client(who).get(reverse("enterprise_export")).status_code == 403


@pytest.mark.django_db
def test_user_belongs_to_at_most_one_organisation(p):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(
            "both",
            password="x",
            role="dept_handler",
            department=Department.objects.get(code="gdgs"),
            enterprise=p.enterprise,
        )


@pytest.mark.django_db
def test_login_page_locks_after_five_failures(p):
    c = Client()
    for _ in range(5):
        resp = c.post(reverse("login"), {"username": "gdgs", "password": "wrong"})
        assert resp.status_code == 200
    resp = c.post(reverse("login"), {"username": "gdgs", "password": PASSWORD})
    assert resp.status_code == 200 and "锁定" in resp.content.decode()
    p.handler.refresh_from_db()
    assert p.handler.locked_until is not None


@pytest.mark.django_db
def test_login_and_home_redirect_by_role(p):
    c = Client()
    resp = c.post(reverse("login"), {"username": "gdgs", "password": PASSWORD})
    assert resp.status_code == 302
    assert c.get(reverse("home"))["Location"] == reverse("dept_inbox")


@pytest.mark.django_db
def test_passwords_are_argon2_in_production_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    u = User.objects.create_user("argon", password="a-good-password")
    assert u.password.startswith("argon2")


@pytest.mark.django_db
def test_department_code_is_read_only_in_admin(p):
    from django.contrib.admin.sites import site

    admin = site._registry[Department]
    assert "code" in admin.get_readonly_fields(None, Department.objects.get(code="gdgs"))
    assert "code" not in admin.get_readonly_fields(None, None)

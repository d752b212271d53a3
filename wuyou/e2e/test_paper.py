"""Excel and paper in the browser (issue 10, items 7-8): a department downloads its inbox as a workbook from
the "导出 Excel" link; the center prints a 交办单 (the print button, the print layout without menu or
buttons) and downloads its PDF; the enterprise, on a phone, opens its case file from its appeal's page.
"""

import io
import os
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from wuyou.appeals import services
from wuyou.orgs.models import Department
from wuyou.testing import build_personas, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# WUYOU_SHOTS=dir keeps the pictures of these pages (print preview as PDF pages, screen as PNG) to look at.
SHOTS = os.environ.get("WUYOU_SHOTS")


@pytest.fixture
def world():
    assert Department.objects.filter(code="gdgs").exists(), "migration data missing: department gdgs"
    p = build_personas()
    a = submit(p, title="园区频繁停电", contact_phone="13955550001")
    a = services.appeal_dispatch(
        appeal_id=a.pk, by=p.center, department="gdgs", co_departments=["zjj"], note="请三日内现场核实"
    )
    return p, a


def _shot(page, name: str, *, pdf: bool = False):
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)
    if pdf:
        page.pdf(path=f"{SHOTS}/{name}-print.pdf", format="A4")


def test_department_exports_its_inbox_tab_from_the_link(world, page, live_server):
    p, a = world
    tab = page("gdgs")
    tab.goto(f"{live_server.url}/dept/inbox/?tab=to_sign")
    link = tab.get_by_role("link", name="导出 Excel")
    assert "tab=to_sign" in link.get_attribute("href")
    with tab.expect_download() as info:
        link.click()
    download = info.value
    assert re.search(r"收件箱-待签收-\d{8}\.xlsx$", download.suggested_filename)
    wb = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    rows = list(wb["待签收"].iter_rows(values_only=True))
    assert rows[0][0] == "编号" and rows[1][0] == a.number and "国网株洲供电公司" in rows[1]


def test_center_prints_the_dispatch_sheet_and_downloads_its_pdf(world, page, live_server):
    p, a = world
    tab = page("center")
    tab.goto(f"{live_server.url}/appeals/{a.pk}/")
    tab.get_by_role("link", name="企业诉求交办单").click()
    tab.wait_for_url(f"**/appeals/{a.pk}/print/dispatch/")
    assert tab.locator("h1").inner_text() == "企业诉求交办单"
    assert tab.get_by_text("请三日内现场核实").is_visible()
    # The print button opens the browser's dialog (here: window.print is called).
    tab.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    tab.get_by_role("button", name="打印").click()
    assert tab.evaluate("window.__printed") == 1
    # On paper: no tools, the sheet alone, black on white.
    _shot(tab, "print-dispatch", pdf=True)
    tab.emulate_media(media="print")
    assert not tab.locator(".print-tools").is_visible()
    assert tab.locator(".sheet").is_visible()
    assert tab.locator(".sheet").evaluate("e => getComputedStyle(e).borderTopStyle") == "none"
    with tab.expect_download() as info:
        tab.emulate_media(media="screen")
        tab.get_by_role("link", name="下载 PDF").click()
    data = Path(info.value.path()).read_bytes()
    text = "".join(pg.extract_text() for pg in PdfReader(io.BytesIO(data)).pages)
    assert a.number in text and "交办单" in text


def test_enterprise_opens_its_case_file_on_a_phone(world, page, live_server):
    p, a = world
    tab = page("ent", phone=True)
    tab.goto(f"{live_server.url}/appeals/{a.pk}/")
    assert tab.get_by_role("link", name="企业诉求交办单").count() == 0  # the administration's paper
    tab.get_by_role("link", name="企业诉求办理案卷").click()
    tab.wait_for_url(f"**/appeals/{a.pk}/print/case/")
    assert tab.get_by_text("办理过程").is_visible()
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the case file is wider than the phone: {width}px"
    _shot(tab, "print-case-phone")

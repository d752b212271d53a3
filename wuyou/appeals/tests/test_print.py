"""Paper (issue 10, item 8): the 交办单, the 督办单 and the case file as print pages and PDFs, made with a
vendored font and no system library; who may print what; the contact phone as the appeal's page shows it."""

import io
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from wuyou.appeals import services
from wuyou.appeals.models import Appeal, InternalNote
from wuyou.orgs.models import Enterprise, Role
from wuyou.testing import make_user, submit

pytestmark = pytest.mark.django_db

PHONE = "13955550001"
MASKED = "139****0001"


def _pdf_text(resp) -> tuple[PdfReader, str]:
    assert resp.status_code == 200, resp.status_code
    assert resp["Content-Type"] == "application/pdf"
    assert "attachment" in resp["Content-Disposition"] and ".pdf" in resp["Content-Disposition"]
    assert resp.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(resp.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Text extraction may break a line anywhere: compare without whitespace.
    return reader, re.sub(r"\s+", "", text)


def _page(resp) -> str:
    assert resp.status_code == 200, resp.status_code
    return resp.content.decode()


def _dispatched(p, **kw) -> Appeal:
    a = submit(p, contact_phone=PHONE, **kw)
    return services.appeal_dispatch(
        appeal_id=a.pk,
        by=p.center,
        department="gdgs",
        co_departments=["zjj"],
        note="请三日内到现场核实并答复企业",
    )


def test_dispatch_sheet_page_and_pdf(p):
    a = _dispatched(p)
    html = _page(p.client(p.handler).get(reverse("appeal_print", args=[a.pk, "dispatch"])))
    for text in (
        "企业诉求交办单",
        a.number,
        "株洲钻石示范刀具有限公司",
        "国网株洲供电公司",  # the lead department
        "市住房和城乡建设局",  # the co-handling one
        "请三日内到现场核实并答复企业",  # the center's instructions
        "栗雨工业园本周停电三次",  # the content
        PHONE,  # the handling department calls the enterprise: the whole number
        "签收人",
    ):
        assert text in html, text
    due = timezone.localtime(a.reply_due_at)
    assert f"{due.year}年{due.month}月{due.day}日 {due:%H:%M}" in html  # Chinese dates, Shanghai time
    assert 'href="/static/wuyou/wuyou.css"' in html and "data-print" in html
    assert f'href="{reverse("appeal_print_pdf", args=[a.pk, "dispatch"])}"' in html

    reader, text = _pdf_text(p.client(p.handler).get(reverse("appeal_print_pdf", args=[a.pk, "dispatch"])))
    assert len(reader.pages) >= 1
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4
    for s in (
        a.number,
        "企业诉求交办单",
        "株洲钻石示范刀具有限公司",
        "国网株洲供电公司",
        "请三日内到现场核实并答复企业",
        PHONE,
    ):
        assert s in text, s
    assert reader.metadata.title == f"企业诉求交办单 {a.number}"
    fonts = [
        f["/BaseFont"]
        for page in reader.pages
        for f in page["/Resources"]["/Font"].values()
        if "/BaseFont" in f.get_object()
    ]
    assert any("WenQuanYi" in str(f) for f in fonts), fonts  # the vendored font, embedded


def test_the_contact_phone_is_masked_for_readers_who_do_not_call_the_enterprise(p):
    a = _dispatched(p)
    c = p.client(p.city_leader)  # reads every appeal, never calls the enterprise
    html = _page(c.get(reverse("appeal_print", args=[a.pk, "dispatch"])))
    assert MASKED in html and PHONE not in html
    _, text = _pdf_text(c.get(reverse("appeal_print_pdf", args=[a.pk, "case"])))
    assert MASKED in text and PHONE not in text


def test_supervision_sheet_has_level_reasons_overdue_days_and_deadlines(p):
    a = _dispatched(p)
    services.appeal_sign(appeal_id=a.pk, by=p.handler)
    services.appeal_escalate(appeal_id=a.pk, by=p.center, level=1, reason="企业反映多次未果")
    services.appeal_supervise(appeal_id=a.pk, by=p.center, note="请主要负责人亲自协调", due_days=2)
    Appeal.objects.filter(pk=a.pk).update(reply_due_at=timezone.now() - timedelta(days=3, hours=1))
    html = _page(p.client(p.leader).get(reverse("appeal_print", args=[a.pk, "supervision"])))
    for text in (
        "企业诉求督办单",
        "一级督办（协调中心）",
        "企业反映多次未果",  # the escalation's reason
        "请主要负责人亲自协调",  # the supervision order
        "已超期 3 天",
        "督办期限",
        "承办单位负责人",
    ):
        assert text in html, text
    _, text = _pdf_text(p.client(p.center).get(reverse("appeal_print_pdf", args=[a.pk, "supervision"])))
    for s in (a.number, "一级督办（协调中心）", "企业反映多次未果", "请主要负责人亲自协调", "已超期3天"):
        assert s in text, s


def test_supervision_sheet_of_an_appeal_never_supervised_says_so(p):
    a = _dispatched(p)
    html = _page(p.client(p.center).get(reverse("appeal_print", args=[a.pk, "supervision"])))
    assert "该诉求尚无督办记录" in html


def test_case_file_has_every_event_in_order_the_reply_and_the_rating(p):
    a = _dispatched(p)
    services.appeal_sign(appeal_id=a.pk, by=p.handler)
    services.appeal_opinion(appeal_id=a.pk, by=p.co_handler, content="住建局已安排人员配合")
    services.appeal_reply(appeal_id=a.pk, by=p.handler, result="solved", content="已更换故障变压器，恢复供电")
    services.appeal_rate(
        appeal_id=a.pk, by=p.ent_user, rating="satisfied", resolved=True, comment="处理很及时"
    )
    InternalNote.objects.create(
        appeal=a, author=p.handler, text="内部备注不进案卷", created_at=timezone.now()
    )
    # The enterprise prints its own case file.
    html = _page(p.client(p.ent_user).get(reverse("appeal_print", args=[a.pk, "case"])))
    steps = ["提交", "交办", "签收", "协办意见", "答复", "评价"]
    timeline = html.split("办理过程", 1)[1]
    positions = [timeline.index(f"<td>{s}</td>") for s in steps]
    assert positions == sorted(positions), "the events in the order they happened"
    for text in ("已更换故障变压器，恢复供电", "满意", "处理很及时", "住建局已安排人员配合", PHONE):
        assert text in html, text
    assert "内部备注不进案卷" not in html

    reader, text = _pdf_text(p.client(p.ent_user).get(reverse("appeal_print_pdf", args=[a.pk, "case"])))
    for s in (
        a.number,
        "企业诉求办理案卷",
        "已更换故障变压器，恢复供电",
        "处理很及时",
        "住建局已安排人员配合",
    ):
        assert s in text, s
    assert "内部备注不进案卷" not in text
    # The center's copy has no internal notes either: the case file is the record that reaches the enterprise.
    _, text = _pdf_text(p.client(p.center).get(reverse("appeal_print_pdf", args=[a.pk, "case"])))
    assert "内部备注不进案卷" not in text


def test_who_may_print_what(p):
    a = _dispatched(p)
    for kind in ("dispatch", "supervision"):
        for user in (p.ent_user,):  # the enterprise sees its appeal, not the administration's paper
            for name in ("appeal_print", "appeal_print_pdf"):
                assert p.client(user).get(reverse(name, args=[a.pk, kind])).status_code == 403
    for user in (p.competitor_user, p.other_handler, p.team, p.cadre):  # who does not see the appeal
        for kind in ("dispatch", "supervision", "case"):
            for name in ("appeal_print", "appeal_print_pdf"):
                resp = p.client(user).get(reverse(name, args=[a.pk, kind]))
                assert resp.status_code == 404, (user.username, kind, name)
                assert PHONE not in resp.content.decode("utf-8", "replace")
    assert p.client(p.center).get(reverse("appeal_print", args=[a.pk, "receipt"])).status_code == 404
    anon = p.client(p.center)
    anon.logout()
    resp = anon.get(reverse("appeal_print_pdf", args=[a.pk, "case"]))
    assert resp.status_code == 302 and "/login/" in resp["Location"]
    # No dispatch sheet before the appeal is dispatched.
    new = submit(p)
    assert p.client(p.center).get(reverse("appeal_print", args=[new.pk, "dispatch"])).status_code == 404


def test_the_appeal_page_links_the_sheets_its_reader_may_print(p):
    a = _dispatched(p)
    ent = _page(p.client(p.ent_user).get(reverse("appeal_detail", args=[a.pk])))
    assert reverse("appeal_print", args=[a.pk, "case"]) in ent
    assert reverse("appeal_print_pdf", args=[a.pk, "case"]) in ent
    assert reverse("appeal_print", args=[a.pk, "dispatch"]) not in ent
    handler = _page(p.client(p.handler).get(reverse("appeal_detail", args=[a.pk])))
    assert reverse("appeal_print", args=[a.pk, "dispatch"]) in handler
    assert reverse("appeal_print", args=[a.pk, "supervision"]) not in handler  # not escalated
    services.appeal_escalate(appeal_id=a.pk, by=p.center, level=1, reason="久拖不决")
    handler = _page(p.client(p.handler).get(reverse("appeal_detail", args=[a.pk])))
    assert reverse("appeal_print", args=[a.pk, "supervision"]) in handler


def test_rare_characters_print_and_the_font_is_vendored_with_its_licence(p):
    ent = Enterprise.objects.get(pk=p.enterprise.pk)
    ent.name = "株洲堃喆昇科技有限公司"  # characters outside GB2312, common in names
    ent.save()
    a = _dispatched(p, title="设备用电报装 🙂")
    _, text = _pdf_text(p.client(p.center).get(reverse("appeal_print_pdf", args=[a.pk, "dispatch"])))
    assert "株洲堃喆昇科技有限公司" in text
    font = settings.PDF_FONT_PATH
    assert font.is_file() and font.stat().st_size < 4 * 1024 * 1024
    assert "Apache License" in (font.parent / "LICENSE-Apache-2.0.txt").read_text()
    assert "WenQuanYi Micro Hei" in (font.parent / "README.md").read_text()


def test_a_long_case_file_breaks_across_pages(p):
    a = _dispatched(p, content="很长的诉求内容。" * 400)
    for i in range(30):
        services.appeal_supervise(
            appeal_id=a.pk, by=p.center, note=f"第 {i + 1} 次督办：请加快办理", due_days=2
        )
    reader, text = _pdf_text(p.client(p.center).get(reverse("appeal_print_pdf", args=[a.pk, "case"])))
    assert len(reader.pages) >= 3
    assert "第30次督办" in text and f"第1/{len(reader.pages)}页" in text


def test_a_team_member_prints_an_escalated_appeal(p):
    a = _dispatched(p)
    services.appeal_escalate(appeal_id=a.pk, by=p.center, level=2, reason="转办不成事专班")
    team = make_user("team2", Role.TEAM)
    html = _page(p.client(team).get(reverse("appeal_print", args=[a.pk, "supervision"])))
    assert "二级督办（办不成事专班）" in html and "转办不成事专班" in html
    html = _page(p.client(team).get(reverse("appeal_print", args=[a.pk, "dispatch"])))
    assert MASKED in html and PHONE not in html  # the task force does not call the enterprise

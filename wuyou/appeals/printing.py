"""Paper for the appeals desk: the 交办单 (dispatch sheet), the 督办单 (supervision sheet) and the case file
(案卷: every event in order, the replies, the ratings), as print pages and as PDF downloads.

One description of each sheet (`Document`: facts, blocks of text, tables, signature lines) is built here
from the appeal and rendered twice: by the print template (templates/appeals/print_sheet.html, with the
@media print rules of wuyou.css) and by `render_pdf` — fpdf2, pure Python, with a CJK font vendored in
wuyou/static/fonts/ (a subset of WenQuanYi Micro Hei, Apache-2.0): no system library, nothing fetched at
run time. What a reader may see follows the pages: the appeal through `selectors.visible_appeals` (the
view's job), the contact phone through `exposure.contact_phone_for`.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone, translation

from wuyou.orgs.access import ENTERPRISE_SIDE, has_role

from .escalation import LEVEL_LABEL
from .exposure import contact_phone_for
from .models import Action, Appeal, Category, Channel, Event, Extension, Rating, ReplyResult, Status, Urgency
from .selectors import HANDLING

ISSUER = "株洲市优化营商环境协调事务中心"
KINDS = ("dispatch", "supervision", "case")
TITLES = {"dispatch": "企业诉求交办单", "supervision": "企业诉求督办单", "case": "企业诉求办理案卷"}
# The enterprise side prints its own case file; the dispatch and supervision sheets are the
# administration's paper (its instructions to departments).
STAFF_ONLY = frozenset({"dispatch", "supervision"})


class NoSuchSheet(Exception):
    """The appeal has no such sheet (a dispatch sheet before it is dispatched)."""


def when(value: datetime | None, *, time: bool = True) -> str:
    """2026年3月5日 14:30, in Asia/Shanghai."""
    if value is None:
        return ""
    t = timezone.localtime(value)
    day = f"{t.year}年{t.month}月{t.day}日"
    return f"{day} {t:%H:%M}" if time else day


def person(user) -> str:
    if user is None:
        return "系统"
    name = user.get_full_name() or user.username
    if user.department_id:
        return f"{name}（{user.department.name}）"
    if user.enterprise_id:
        return f"{name}（{user.enterprise.name}）"
    return name


@dataclass
class Table:
    heading: str
    columns: list[str]
    rows: list[list[str]]
    widths: list[int]  # relative widths of the columns (the PDF's; the page lets the browser decide)
    empty: str = "无"


@dataclass
class Document:
    kind: str
    title: str
    number: str
    facts: list[tuple[str, str]]
    blocks: list[tuple[str, str]] = field(default_factory=list)  # (heading, text)
    tables: list[Table] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)
    issuer: str = ISSUER
    printed_at: str = ""
    printed_by: str = ""

    @property
    def meta(self) -> list[tuple[str, str]]:
        """The line under the title."""
        out = [("编号", self.number), ("打印时间", self.printed_at)]
        return out + ([("打印人", self.printed_by)] if self.printed_by else [])

    @property
    def filename(self) -> str:
        return f"{self.title}-{self.number}.pdf"


def may_print(user, kind: str) -> bool:
    return kind in KINDS and not (kind in STAFF_ONLY and has_role(user, ENTERPRISE_SIDE))


def _label(choices_cls, value) -> str:
    return str(choices_cls(value).label) if value in choices_cls.values else (value or "")


def _co_handlers(appeal: Appeal) -> list:
    return list(appeal.co_handlers.select_related("department").order_by("department__code"))


def _last_dispatch(appeal: Appeal) -> Event | None:
    return (
        appeal.events.filter(action=Action.DISPATCH)
        .select_related("actor__department", "actor__enterprise")
        .order_by("-seq")
        .first()
    )


def overdue_days(appeal: Appeal, now=None) -> tuple[int, str]:
    """(days, words) past the reply deadline, counted as the lists' badge counts them (calendar days)."""
    now = now or timezone.now()
    due = appeal.reply_due_at
    if due is None:
        return 0, "未设答复期限"
    if appeal.status in HANDLING and due < now:
        days = (now - due).days
        return days, f"已超期 {days} 天" if days else "已超期（不足 1 天）"
    if appeal.replied_at and appeal.replied_at > due:
        days = (appeal.replied_at - due).days
        return days, f"超期 {days} 天后答复" if days else "超期后答复（不足 1 天）"
    if appeal.status == Status.PAUSED:
        return 0, "暂停计时（待企业补充材料）"
    return 0, "未超期"


def _basics(appeal: Appeal, user) -> list[tuple[str, str]]:
    ent = appeal.enterprise
    return [
        ("诉求编号", appeal.number),
        ("诉求标题", appeal.title),
        ("企业名称", ent.name),
        ("统一社会信用代码", ent.uscc),
        ("所属区县", ent.district.name),
        ("联系人", appeal.contact_name),
        ("联系电话", contact_phone_for(user, appeal)),
        (
            "渠道 / 类别 / 紧急程度",
            " / ".join(
                (
                    _label(Channel, appeal.channel),
                    _label(Category, appeal.category),
                    _label(Urgency, appeal.urgency),
                )
            ),
        ),
        ("提交时间", when(appeal.created_at)),
        *([("地点", appeal.location)] if appeal.location else []),
    ]


def _deadlines(appeal: Appeal) -> list[tuple[str, str]]:
    out = []
    if appeal.sign_due_at:
        signed = f"（{when(appeal.signed_at)} 已签收）" if appeal.signed_at else ""
        out.append(("签收期限", when(appeal.sign_due_at) + signed))
    if appeal.reply_due_at:
        estimated = "（基于估算日历）" if appeal.due_estimated else ""
        out.append(("答复期限", when(appeal.reply_due_at) + estimated))
    return out


def _departments(appeal: Appeal, co: list) -> list[tuple[str, str]]:
    return [
        ("主办部门", appeal.department.name if appeal.department_id else "未交办"),
        ("协办部门", "、".join(c.department.name for c in co) or "无"),
    ]


def _signed(user, now) -> dict:
    return {"printed_at": when(now), "printed_by": person(user) if user is not None else ""}


def dispatch_sheet(appeal: Appeal, user, now=None) -> Document:
    now = now or timezone.now()
    if appeal.department_id is None or appeal.dispatched_at is None:
        raise NoSuchSheet("该诉求尚未交办，没有交办单")
    event = _last_dispatch(appeal)
    co = _co_handlers(appeal)
    facts = [
        *_basics(appeal, user),
        ("交办时间", when(appeal.dispatched_at)),
        ("交办人", person(event.actor) if event else ""),
        *_departments(appeal, co),
        *_deadlines(appeal),
    ]
    if appeal.escalation_level:
        facts.append(("督办层级", LEVEL_LABEL.get(appeal.escalation_level, "")))
    attachments = list(appeal.attachments.order_by("id").values_list("name", flat=True))
    blocks = [
        ("诉求内容", appeal.content),
        ("交办意见", (event.note if event else "") or "请按时签收并在答复期限内办理答复。"),
    ]
    if attachments:
        blocks.append(("附件", "、".join(attachments)))
    return Document(
        kind="dispatch",
        title=TITLES["dispatch"],
        number=appeal.number,
        facts=facts,
        blocks=blocks,
        signatures=["承办单位（盖章）", "签收人", "签收日期"],
        **_signed(user, now),
    )


def supervision_sheet(appeal: Appeal, user, now=None) -> Document:
    now = now or timezone.now()
    co = _co_handlers(appeal)
    days, words = overdue_days(appeal, now)
    facts = [
        ("诉求编号", appeal.number),
        ("诉求标题", appeal.title),
        ("企业名称", appeal.enterprise.name),
        ("当前状态", _label(Status, appeal.status)),
        ("督办层级", LEVEL_LABEL.get(appeal.escalation_level, "未提级")),
        *_departments(appeal, co),
        ("交办时间", when(appeal.dispatched_at) or "未交办"),
        *_deadlines(appeal),
        ("超期情况", words),
        (
            "退回 / 不满意 / 重办",
            f"{appeal.return_count} 次 / {appeal.unsatisfied_count} 次 / {appeal.reopen_count} 次",
        ),
    ]
    orders = list(appeal.supervisions.select_related("created_by__department").order_by("created_at", "id"))
    rows = []
    for s in orders:
        state = "已结束" if s.closed_at else "进行中"
        if not s.closed_at and s.due_at and s.due_at < now:
            late = (now - s.due_at).days
            state = f"已过期 {late} 天" if late else "已过期"
        rows.append(
            [
                LEVEL_LABEL.get(s.level, f"{s.level}级督办"),
                s.note,
                person(s.created_by),
                when(s.created_at),
                when(s.due_at) or "同答复期限",
                state,
            ]
        )
    escalations = [
        [when(e.at), person(e.actor), LEVEL_LABEL.get((e.data or {}).get("level"), ""), e.note]
        for e in appeal.events.filter(action=Action.ESCALATE)
        .select_related("actor__department", "actor__enterprise")
        .order_by("seq")
    ]
    return Document(
        kind="supervision",
        title=TITLES["supervision"],
        number=appeal.number,
        facts=facts,
        blocks=[("诉求内容", appeal.content)],
        tables=[
            Table(
                "督办记录",
                ["层级", "督办意见 / 理由", "发起", "发起时间", "督办期限", "状态"],
                rows,
                [14, 34, 14, 14, 14, 10],
                empty="该诉求尚无督办记录",
            ),
            Table("提级经过", ["时间", "操作人", "提级到", "理由"], escalations, [18, 18, 22, 42]),
        ],
        signatures=["督办单位（盖章）", "承办单位负责人", "反馈日期"],
        **_signed(user, now),
    )


def visible_events(appeal: Appeal, user):
    """The events the reader sees on the appeal's page, in order."""
    return appeal.events.select_related("actor__department", "actor__enterprise").order_by("seq")


def case_file(appeal: Appeal, user, now=None) -> Document:
    now = now or timezone.now()
    co = _co_handlers(appeal)
    facts = [
        *_basics(appeal, user),
        ("当前状态", _label(Status, appeal.status)),
        *_departments(appeal, co),
        ("交办时间", when(appeal.dispatched_at) or "未交办"),
        *_deadlines(appeal),
        ("答复时间", when(appeal.replied_at) or "未答复"),
        ("办结时间", when(appeal.closed_at) or "未办结"),
    ]
    if appeal.escalation_level:
        facts.append(("督办层级", LEVEL_LABEL.get(appeal.escalation_level, "")))
    blocks = [("诉求内容", appeal.content)]
    if appeal.reply_content:
        reply = f"【{_label(ReplyResult, appeal.reply_result)}】{appeal.reply_content}"
        if appeal.cost_saved_yuan:
            reply += f"\n为企业降低成本 {appeal.cost_saved_yuan} 元"
        blocks.append(("答复", reply))
    if appeal.rating:
        rating = _label(Rating, appeal.rating)
        resolved = "问题已解决" if appeal.resolved else "问题未解决"
        text = f"{rating}，{resolved}（{when(appeal.rated_at)}）"
        if appeal.rating_comment:
            text += f"\n评价意见：{appeal.rating_comment}"
        blocks.append(("企业评价", text))
    if appeal.close_reason:
        blocks.append(("办结 / 不予受理说明", appeal.close_reason))
    events = [
        [
            str(i),
            when(e.at),
            _label(Action, e.action),
            " → ".join(_label(Status, s) for s in (e.from_status, e.to_status) if s) or "—",
            person(e.actor),
            e.note,
        ]
        for i, e in enumerate(visible_events(appeal, user), start=1)
    ]
    opinions = [[c.department.name, c.opinion or "（尚未提交）", when(c.opinion_at)] for c in co]
    extensions = [
        [
            f"{x.working_days} 个工作日",
            x.reason,
            when(x.requested_at),
            _label(Extension.Decision, x.decision),
            when(x.decided_at),
        ]
        for x in appeal.extensions.order_by("requested_at", "id")
    ]
    supervisions = [
        [LEVEL_LABEL.get(s.level, f"{s.level}级督办"), s.note, when(s.created_at), when(s.due_at)]
        for s in appeal.supervisions.order_by("created_at", "id")
    ]
    attachments = [
        [f.name, f"{max(1, round(f.size / 1024))} KB", when(f.uploaded_at)]
        for f in appeal.attachments.order_by("id")
    ]
    tables = [
        Table("办理过程", ["序号", "时间", "环节", "状态", "办理人", "说明"], events, [6, 20, 11, 17, 20, 26])
    ]
    if opinions:
        tables.append(Table("协办意见", ["协办部门", "意见", "提交时间"], opinions, [22, 58, 20]))
    if supervisions:
        tables.append(
            Table("督办记录", ["层级", "督办意见", "发起时间", "督办期限"], supervisions, [18, 46, 18, 18])
        )
    if extensions:
        tables.append(
            Table(
                "延期申请", ["延期", "理由", "申请时间", "结果", "审批时间"], extensions, [14, 38, 18, 12, 18]
            )
        )
    if attachments:
        tables.append(Table("附件", ["文件名", "大小", "上传时间"], attachments, [56, 14, 30]))
    return Document(
        kind="case",
        title=TITLES["case"],
        number=appeal.number,
        facts=facts,
        blocks=blocks,
        tables=tables,
        **_signed(user, now),
    )


BUILDERS = {"dispatch": dispatch_sheet, "supervision": supervision_sheet, "case": case_file}


def document(kind: str, appeal: Appeal, user, now=None) -> Document:
    with translation.override(settings.LANGUAGE_CODE):
        return BUILDERS[kind](appeal, user, now)


# ---------------------------------------------------------------- PDF

FONT_FAMILY = "wuyou-cjk"


def font_path() -> str:
    return str(settings.PDF_FONT_PATH)


def render_pdf(doc: Document) -> bytes:
    """The document as an A4 PDF with the vendored CJK font embedded (subset to the glyphs it uses)."""
    from fpdf import FPDF
    from fpdf.enums import TableCellFillMode, XPos, YPos
    from fpdf.fonts import FontFace

    class _PDF(FPDF):
        def footer(self):
            self.set_y(-12)
            self.set_font(FONT_FAMILY, size=8)
            self.set_text_color(110)
            self.cell(0, 6, f"{doc.title} {doc.number} · 第 {self.page_no()} / {{nb}} 页", align="C")

    pdf = _PDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(16, 14, 16)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_font(FONT_FAMILY, fname=font_path())
    pdf.set_title(f"{doc.title} {doc.number}")
    pdf.set_author(doc.issuer)
    pdf.set_creator("无忧平台")
    pdf.set_lang("zh-CN")
    pdf.add_page()
    width = pdf.epw

    def title_font(size: float):
        # The font has one weight: headings stand out by size and colour (no faux bold: it smudges).
        pdf.set_font(FONT_FAMILY, size=size)
        pdf.set_text_color(20, 40, 70)

    def plain(size: float = 10):
        pdf.set_font(FONT_FAMILY, size=size)
        pdf.set_text_color(0)

    plain(11)
    pdf.cell(width, 7, doc.issuer, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    title_font(18)
    pdf.cell(width, 11, doc.title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    plain(9)
    pdf.set_text_color(80)
    pdf.cell(
        width,
        6,
        "    ".join(f"{k}：{v}" for k, v in doc.meta),
        align="C",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_text_color(0)
    pdf.ln(1)

    heading_face = FontFace(fill_color=(235, 240, 246))
    plain(10)
    with pdf.table(
        col_widths=(28, 72),
        first_row_as_headings=False,
        line_height=6,
        cell_fill_mode=TableCellFillMode.COLUMNS,
        cell_fill_color=(240, 244, 248),
        padding=1.5,
    ) as table:
        for label, value in doc.facts:
            row = table.row()
            row.cell(label)
            row.cell(value or "—")

    for heading, text in doc.blocks:
        pdf.ln(3)
        title_font(12)
        pdf.cell(width, 8, heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        plain(10.5)
        pdf.multi_cell(width, 6, text or "—", border=1, padding=2, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    for t in doc.tables:
        pdf.ln(3)
        title_font(12)
        pdf.cell(width, 8, t.heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        plain(9)
        if not t.rows:
            pdf.multi_cell(width, 6, t.empty, border=1, padding=2, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            continue
        with pdf.table(
            col_widths=tuple(t.widths),
            headings_style=heading_face,
            line_height=5,
            padding=1.2,
            repeat_headings=1,
        ) as table:
            head = table.row()
            for c in t.columns:
                head.cell(c)
            for r in t.rows:
                row = table.row()
                for value in r:
                    row.cell(value or "")

    if doc.signatures:
        pdf.ln(10)
        plain(11)
        per = width / len(doc.signatures)
        for label in doc.signatures:
            pdf.cell(per, 8, f"{label}：________", new_x=XPos.RIGHT, new_y=YPos.TOP)
        pdf.ln(8)
    return bytes(pdf.output())

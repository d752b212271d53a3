"""Excel exports of the appeals desk's lists: what a page shows, with its filters, as a spreadsheet.

Every list page has an "导出 Excel" link carrying its query string; the export reads the same rows the
page does (the same selectors, so the same visibility: a department exports only what it sees), all of
them rather than one page, with names and labels instead of codes:

    center queue (tabs)   center board (three sheets)   department inbox (tabs)   team queue
    all appeals / search  supervision orders            三率 ranking

Streamed: rows come from the database in chunks (`iterator`) and leave as compressed bytes of the
response while the next ones are read, so memory stays flat and the download starts at once whatever the
size (`./run bench` measures 100,000 rows). The columns are declared with the kernel's `excel.Sheet` /
`excel.Column`, as every register's are; the headers and labels are Chinese whatever the interface
language (a spreadsheet goes round the office). Cells are typed: dates are real Excel dates shown the
Chinese way (2026年3月5日 14:30), rates are percentages, and text is always text (never a formula).

Why not openpyxl, which the kernel's registers of a few thousand rows use: even in write-only mode it costs
30–40 µs per cell here (a cell object, type inference, an XML element each), so 100,000 appeals × 25
columns took 80–110 s on this machine, and it must finish the whole file before the first byte can go.
`core.xlsxstream.XlsxStream` writes the same Office Open XML (inline strings, one styles part, frozen header row, an
auto-filter) straight into a zip stream at about 5 µs per cell (100,000 appeals from the 1M-appeal bench
database: 13 s warm, 28 s with a cold cache, flat memory: `./run bench`). openpyxl and LibreOffice
read the files back.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone, translation

from wuyou.core import excel
from wuyou.core.errors import InvalidInput
from wuyou.core.xlsxstream import PERCENT_FORMAT, Part, write  # noqa: F401  (write: views_export)
from wuyou.orgs.services import industry_label
from wuyou.orgs.validators import mask_phone

from . import finding, selectors
from .api_stats import period
from .escalation import LEVEL_LABEL
from .metrics import department_stats, weights
from .models import Appeal, Category, Channel, CoHandler, Rating, ReplyResult, Status, Supervision, Urgency


def max_rows() -> int:
    return settings.APPEAL_EXPORT_MAX_ROWS


def chunk_size() -> int:
    return settings.APPEAL_EXPORT_CHUNK


# ---------------------------------------------------------------- appeals as rows

APPEAL_SHEET_COLUMNS = [
    excel.Column("number", "编号", width=18),
    excel.Column("title", "标题", width=32),
    excel.Column("enterprise", "企业", width=30),
    excel.Column("uscc", "统一社会信用代码", width=21),
    excel.Column("district", "所属区县", width=10),
    excel.Column("industry", "行业门类", width=20),
    excel.Column("category", "类别", width=7),
    excel.Column("channel", "渠道", width=16),
    excel.Column("urgency", "紧急程度", width=9),
    excel.Column("status", "状态", width=13),
    excel.Column("clock", "时限情况", width=11),
    excel.Column("level", "督办层级", width=20),
    excel.Column("department", "主办部门", width=22),
    excel.Column("co_departments", "协办部门", width=26),
    excel.Column("contact_name", "联系人", width=10),
    excel.Column("contact_phone", "联系电话", width=14),
    excel.Column("created_at", "提交时间", width=19),
    excel.Column("dispatched_at", "交办时间", width=19),
    excel.Column("sign_due_at", "签收期限", width=19),
    excel.Column("reply_due_at", "答复期限", width=19),
    excel.Column("replied_at", "答复时间", width=19),
    excel.Column("reply_result", "办理结果", width=12),
    excel.Column("rating", "评价", width=10),
    excel.Column("location", "地点", width=24),
    excel.Column("content", "诉求内容", width=60),
]

_APPEAL_VALUES = (
    "pk",
    "number",
    "title",
    "enterprise__name",
    "enterprise__uscc",
    "enterprise__district__name",
    "enterprise__industry",
    "category",
    "channel",
    "urgency",
    "status",
    "escalation_level",
    "department__name",
    "contact_name",
    "contact_phone",
    "created_at",
    "dispatched_at",
    "sign_due_at",
    "reply_due_at",
    "warn_at",
    "replied_at",
    "reply_result",
    "rating",
    "location",
    "content",
)


def _labels(choices) -> dict:
    # Spreadsheets carry the Chinese labels whatever the interface language.
    with translation.override(settings.LANGUAGE_CODE):
        return {value: str(label) for value, label in choices}


def clock_label(status: str, sign_due_at, reply_due_at, warn_at, now) -> str:
    """How the appeal stands against its clock, in the words of the list's badge (appeal_tags.due_badge)."""
    if status == Status.DISPATCHED and sign_due_at and sign_due_at < now:
        return "签收超时"
    if status in selectors.HANDLING and reply_due_at:
        if reply_due_at < now:
            days = (now - reply_due_at).days
            return f"超期 {days} 天" if days else "已超期"
        if warn_at and warn_at <= now:
            return "即将到期"
        return "正常"
    if status == Status.PAUSED:
        return "已暂停计时"
    return ""


def _batched(iterable, n: int) -> Iterator[list]:
    it = iter(iterable)
    while batch := list(islice(it, n)):
        yield batch


def appeal_rows(qs: QuerySet[Appeal], *, limit: int | None = None, now=None) -> Iterator[dict]:
    """Rows of the appeals of `qs` (already filtered by visibility and the page's filters, in its order),
    read in chunks: the co-handling departments of each chunk come in one more query."""
    now = now or timezone.now()
    labels = {
        "status": _labels(Status.choices),
        "category": _labels(Category.choices),
        "channel": _labels(Channel.choices),
        "urgency": _labels(Urgency.choices),
        "reply_result": _labels(ReplyResult.choices),
        "rating": _labels(Rating.choices),
    }
    industries: dict[str, str] = {}
    values = qs.values_list(*_APPEAL_VALUES)
    if limit is not None:
        values = values[:limit]
    size = chunk_size()
    for batch in _batched(values.iterator(chunk_size=size), size):
        co: dict[int, list[str]] = {}
        ids = [r[0] for r in batch]
        for appeal_id, name in (
            CoHandler.objects.filter(appeal_id__in=ids)
            .order_by("appeal_id", "department__code")
            .values_list("appeal_id", "department__name")
        ):
            co.setdefault(appeal_id, []).append(name)
        for (
            pk,
            number,
            title,
            ent_name,
            uscc,
            district,
            industry,
            category,
            channel,
            urgency,
            status,
            level,
            department,
            contact_name,
            contact_phone,
            created_at,
            dispatched_at,
            sign_due_at,
            reply_due_at,
            warn_at,
            replied_at,
            reply_result,
            rating,
            location,
            content,
        ) in batch:
            if industry not in industries:
                industries[industry] = industry_label(industry)
            yield {
                "number": number,
                "title": title,
                "enterprise": ent_name,
                "uscc": uscc,
                "district": district,
                "industry": industries[industry],
                "category": labels["category"].get(category, category),
                "channel": labels["channel"].get(channel, channel),
                "urgency": labels["urgency"].get(urgency, urgency),
                "status": labels["status"].get(status, status),
                "clock": clock_label(status, sign_due_at, reply_due_at, warn_at, now),
                "level": LEVEL_LABEL.get(level, ""),
                "department": department,
                "co_departments": co.get(pk),
                "contact_name": contact_name,
                # Lists never show a whole phone number, and a spreadsheet travels further than a page.
                "contact_phone": mask_phone(contact_phone),
                "created_at": created_at,
                "dispatched_at": dispatched_at,
                "sign_due_at": sign_due_at,
                "reply_due_at": reply_due_at,
                "replied_at": replied_at,
                "reply_result": labels["reply_result"].get(reply_result, reply_result),
                "rating": labels["rating"].get(rating, rating),
                "location": location,
                "content": content,
            }


class _Counted:
    """Rows up to the cap; remembers whether there were more (one row more is read to know)."""

    def __init__(self, rows: Iterable[dict], cap: int):
        self.rows, self.cap, self.truncated = rows, cap, False

    def __iter__(self):
        for i, row in enumerate(self.rows):
            if i >= self.cap:
                self.truncated = True
                return
            yield row


# ---------------------------------------------------------------- the lists

TODAY_FORMAT = "%Y%m%d"


def _stamp() -> str:
    return timezone.localtime().strftime(TODAY_FORMAT)


def _when() -> str:
    t = timezone.localtime()
    return f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}"


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else "系统"


@dataclass
class Listing:
    """A list to export: what the page calls it, the filters in words, and its sheets."""

    name: str
    filters: list[str]
    parts: list[tuple[str, Callable[[int], Iterable[dict]]]]  # (sheet title, rows(limit))
    columns: list[excel.Column] = field(default_factory=lambda: APPEAL_SHEET_COLUMNS)
    formats: dict = field(default_factory=dict)
    extra_notes: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Export:
    """An export on its way: the file's name and its bytes as they are written. `rows` and `truncated`
    are known once `chunks` is exhausted."""

    filename: str
    chunks: Iterator[bytes]
    parts: list[Part]
    counted: list

    @property
    def rows(self) -> int:
        return sum(p.written for p in self.parts)

    @property
    def truncated(self) -> bool:
        return any(c.truncated for c in self.counted)


def build(listing: Listing, user) -> Export:
    """A listing as a streamed workbook: each sheet capped at APPEAL_EXPORT_MAX_ROWS, and a last sheet
    saying what the file is (list, filters, who, when, rows, whether it was cut)."""
    cap = max_rows()
    counted = [_Counted(rows(cap + 1), cap) for _, rows in listing.parts]
    parts = [
        Part(excel.Sheet(title, listing.columns), rows, formats=listing.formats)
        for (title, _), rows in zip(listing.parts, counted, strict=True)
    ]
    who, at = _person(user), _when()

    def notes():
        # Called once the data sheets are written: their row counts are known by then.
        counts = [
            (
                f"「{p.sheet.title}」行数",
                f"{p.written}"
                + (f"（超过 {cap} 行，只导出了前 {cap} 行，请缩小筛选范围）" if c.truncated else ""),
            )
            for p, c in zip(parts, counted, strict=True)
        ]
        return [
            ("列表", listing.name),
            ("筛选条件", "；".join(listing.filters) or "无（全部）"),
            ("导出人", who),
            ("导出时间", at),
            *counts,
            *listing.extra_notes,
        ]

    return Export(
        filename=f"{listing.name}-{_stamp()}.xlsx",
        chunks=write(parts, notes=notes),
        parts=parts,
        counted=counted,
    )


def _appeals(qs_factory: Callable[[], QuerySet[Appeal]]) -> Callable[[int], Iterable[dict]]:
    now = timezone.now()
    return lambda limit: appeal_rows(qs_factory(), limit=limit, now=now)


# The center's queue: the same tabs as views.center_queue.
CENTER_QUEUE_TABS = {
    "new": ("待交办", lambda base: base.filter(status=Status.SUBMITTED).order_by("created_at", "id")),
    "reviewing": ("不满意复核", lambda base: base.filter(status=Status.REVIEWING).order_by("rated_at", "id")),
    "returned": (
        "退回待重新交办",
        lambda base: base.filter(status=Status.SUBMITTED, return_count__gt=0).order_by("created_at", "id"),
    ),
}


def center_queue(user, params) -> Listing:
    tab = params.get("tab", "new")
    tab = tab if tab in CENTER_QUEUE_TABS else "new"
    label, make = CENTER_QUEUE_TABS[tab]
    return Listing(
        name=f"受理交办-{label}",
        filters=[f"标签页：{label}"],
        parts=[(label, _appeals(lambda: make(Appeal.objects.all())))],
    )


def center_board(user, params) -> Listing:
    """The board's three lists, all of their rows (the page shows the first 100 of each)."""
    now = timezone.now()
    base = Appeal.objects.all
    return Listing(
        name="超期与预警",
        filters=[f"截至 {_when()}"],
        parts=[
            (
                "已超期",
                _appeals(lambda: base().filter(selectors.overdue_q(now)).order_by("reply_due_at", "id")),
            ),
            (
                "即将到期",
                _appeals(
                    lambda: (
                        base()
                        .filter(status__in=selectors.HANDLING, warn_at__lte=now, reply_due_at__gte=now)
                        .order_by("reply_due_at", "id")
                    )
                ),
            ),
            (
                "督办中",
                _appeals(
                    lambda: (
                        base()
                        .filter(
                            escalation_level__gte=1,
                            status__in=[
                                Status.DISPATCHED,
                                Status.IN_PROGRESS,
                                Status.PAUSED,
                                Status.REVIEWING,
                            ],
                        )
                        .order_by("-escalation_level", "id")
                    )
                ),
            ),
        ],
    )


def dept_inbox(user, params) -> Listing:
    tab = params.get("tab", "to_sign")
    tab = tab if tab in selectors.DEPT_TABS else "to_sign"
    label = selectors.DEPT_TABS[tab][0]
    dept = user.department.name if user.department_id else ""
    return Listing(
        name=f"{dept}收件箱-{label}",
        filters=[f"标签页：{label}"],
        parts=[(label, _appeals(lambda: selectors.department_inbox(user, tab)))],
    )


def team_queue(user, params) -> Listing:
    # As views.team_queue: the open appeals the team sees (二级督办 and above).
    return Listing(
        name="专班督办",
        filters=["未办结的二级及以上督办诉求"],
        parts=[
            (
                "专班督办",
                _appeals(
                    lambda: (
                        selectors.visible_appeals(user)
                        .filter(
                            status__in=[
                                Status.SUBMITTED,
                                Status.DISPATCHED,
                                Status.IN_PROGRESS,
                                Status.PAUSED,
                                Status.REVIEWING,
                            ]
                        )
                        .order_by("-escalation_level", "reply_due_at", "id")
                    )
                ),
            )
        ],
    )


def search_queryset(user, params) -> tuple[QuerySet[Appeal], list[str]]:
    """The search page's rows (views_search.appeal_search) and its filters in words: the same parameters,
    read by appeals.finding (invalid ones: no rows; the view answers 400 before this)."""
    found = finding.parse(params)
    if not found.valid:
        return Appeal.objects.none(), []
    return selectors.search(user, **found.filters), finding.describe(found)


def appeal_search(user, params) -> Listing:
    qs, words = search_queryset(user, params)
    return Listing(name="全部诉求", filters=words, parts=[("诉求", _appeals(lambda: qs))])


SUPERVISION_COLUMNS = [
    excel.Column("number", "诉求编号", width=18),
    excel.Column("title", "标题", width=32),
    excel.Column("enterprise", "企业", width=30),
    excel.Column("level", "督办层级", width=22),
    excel.Column("note", "督办意见", width=50),
    excel.Column("department", "主办部门", width=22),
    excel.Column("status", "诉求状态", width=13),
    excel.Column("due_at", "督办期限", width=19),
    excel.Column("overdue", "是否过期", width=10),
    excel.Column("created_by", "发起人", width=12),
    excel.Column("created_at", "发起时间", width=19),
]


def supervision_rows(limit: int, now=None) -> Iterator[dict]:
    now = now or timezone.now()
    status = _labels(Status.choices)
    qs = (
        Supervision.objects.filter(closed_at__isnull=True)
        .select_related("appeal", "appeal__department", "appeal__enterprise", "created_by")
        .order_by("-created_at", "-id")[:limit]
    )
    for s in qs.iterator(chunk_size=chunk_size()):
        a = s.appeal
        overdue = ""
        if s.due_at and s.due_at < now:
            days = (now - s.due_at).days
            overdue = f"已过期 {days} 天" if days else "已过期"
        yield {
            "number": a.number,
            "title": a.title,
            "enterprise": a.enterprise.name,
            "level": LEVEL_LABEL.get(s.level, f"{s.level}级督办"),
            "note": s.note,
            "department": a.department.name if a.department_id else "",
            "status": status.get(a.status, a.status),
            "due_at": s.due_at,
            "overdue": overdue,
            "created_by": _person(s.created_by),
            "created_at": s.created_at,
        }


def center_supervision(user, params) -> Listing:
    now = timezone.now()
    return Listing(
        name="督办单",
        filters=["未结束的督办单"],
        parts=[("督办单", lambda limit: supervision_rows(limit, now))],
        columns=SUPERVISION_COLUMNS,
    )


RANKING_COLUMNS = [
    excel.Column("rank", "名次", width=6),
    excel.Column("name", "部门", width=26),
    excel.Column("dispatched", "交办", width=8),
    excel.Column("signed_on_time", "按时签收", width=9),
    excel.Column("replied", "答复", width=8),
    excel.Column("replied_on_time", "按时答复", width=9),
    excel.Column("rated", "已评价", width=8),
    excel.Column("resolved", "已解决", width=8),
    excel.Column("satisfied", "满意", width=8),
    excel.Column("returns", "退回", width=8),
    excel.Column("reopened", "重办", width=8),
    excel.Column("response_rate", "响应率", width=9),
    excel.Column("on_time_rate", "按时答复率", width=11),
    excel.Column("resolution_rate", "解决率", width=9),
    excel.Column("satisfaction_rate", "满意率", width=9),
    excel.Column("return_rate", "退回率", width=9),
    excel.Column("reopen_rate", "重办率", width=9),
    excel.Column("score", "综合得分", width=10),
]


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


RATE_KEYS = (
    "response_rate",
    "on_time_rate",
    "resolution_rate",
    "satisfaction_rate",
    "return_rate",
    "reopen_rate",
)


def ranking(user, params) -> Listing:
    """The ranking page's rows (views_admin.ranking): the same period and the same departments."""
    start, end = _day(params.get("start")), _day(params.get("end"))
    try:
        begin, finish = period(start, end)
    except InvalidInput:
        begin, finish = period(None, None)
    first, last = timezone.localtime(begin).date(), timezone.localtime(finish).date()
    last = date.fromordinal(last.toordinal() - 1)
    rows = [s for s in department_stats(begin, finish) if s.dispatched]

    def ranked(limit):
        for i, s in enumerate(rows[:limit], start=1):
            yield {"rank": i, **s.__dict__}

    w = weights()
    span = f"{first.year}年{first.month}月{first.day}日至{last.year}年{last.month}月{last.day}日"
    return Listing(
        name="部门三率排名",
        filters=[f"交办时间：{span}"],
        parts=[("三率排名", ranked)],
        columns=RANKING_COLUMNS,
        formats={k: PERCENT_FORMAT for k in RATE_KEYS} | {"score": "0.00"},
        extra_notes=[
            (
                "计算方法",
                f"综合得分 = 响应率×{w[0]} + 解决率×{w[1]} + 满意率×{w[2]}（按权重归一化，满分 100）。"
                "逾期未评价的诉求不计入满意率。",
            )
        ],
    )


LISTINGS = {
    "center_queue": center_queue,
    "center_board": center_board,
    "dept_inbox": dept_inbox,
    "team_queue": team_queue,
    "appeal_search": appeal_search,
    "center_supervision": center_supervision,
    "ranking": ranking,
}


def export(list_name: str, user, params) -> Export:
    return build(LISTINGS[list_name](user, params), user)

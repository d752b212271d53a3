"""Turn pasted text, CSV and .xlsx files into raw rows; validation lives in services.import_year.

Rows keep their line number in the source so every error can point at the line to fix. Excel files go
through the Excel kernel (`wuyou.core.excel`): header mapping, the row cap, blank and comment rows; the
cells stay raw so that text, CSV and Excel rows are checked by the same rules, all errors together.
"""

import csv
import io
from datetime import date
from typing import NamedTuple

from wuyou.core import excel
from wuyou.core.errors import InvalidInput

MAX_UPLOAD_BYTES = 1024 * 1024

WORK_WORDS = {"workday", "work", "上班", "班", "工作日", "调休上班", "1", "true", "是"}
REST_WORDS = {"holiday", "rest", "休息", "休", "假", "放假", "节假日", "0", "false", "否"}
HEADER_WORDS = {"date", "日期"}
# A year has at most 366 days; anything much longer is the wrong file.
MAX_XLSX_ROWS = 1000
SHEET = excel.Sheet(
    "日历",
    [
        excel.Column(
            "date",
            "日期",
            parse=excel.raw,
            width=14,
            example="2027-01-01",
            aliases=("date",),
            note="YYYY-MM-DD、2027/1/1、2027年1月1日 或 Excel 日期",
        ),
        excel.Column(
            "kind",
            "类型",
            parse=excel.raw,
            width=10,
            choices=[("休息", "休息"), ("上班", "上班")],
            strict=False,
            example="休息",
            aliases=("kind", "type"),
            note="上班 或 休息（也可填 workday / holiday）",
        ),
        excel.Column(
            "name",
            "名称",
            parse=excel.raw,
            width=20,
            example="元旦（示例）",
            aliases=("name",),
            note="如 国庆节、调休上班",
        ),
    ],
    max_rows=MAX_XLSX_ROWS,
    header_optional=True,
    skip_comments=True,
)


class RawRow(NamedTuple):
    line: int
    date: object
    kind: object
    name: object


def parse_date(value) -> date:
    if isinstance(value, str) and not value.strip() or value is None:
        raise ValueError("缺少日期")
    return excel.parse_date(value)


def parse_kind(value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if not text:
        raise ValueError("缺少类型（上班/休息）")
    if text in WORK_WORDS:
        return True
    if text in REST_WORDS:
        return False
    raise ValueError(f"类型“{text}”无法识别，应为 workday、holiday、上班或休息")


def _row(line: int, cells: list) -> RawRow | None:
    cells = list(cells) + [None] * 3
    if all(c is None or str(c).strip() == "" for c in cells):
        return None
    first = cells[0]
    if isinstance(first, str) and first.strip().startswith("#"):
        return None
    return RawRow(line, first, cells[1], cells[2] if cells[2] is not None else "")


def _drop_header(rows: list[RawRow]) -> list[RawRow]:
    if rows and isinstance(rows[0].date, str) and rows[0].date.strip().lower() in HEADER_WORDS:
        return rows[1:]
    return rows


def rows_from_text(text: str) -> list[RawRow]:
    rows = []
    for line, raw in enumerate((text or "").splitlines(), start=1):
        # Pasting from Word or WeChat often brings full-width commas or tabs.
        cells = [c.strip() for c in raw.replace("，", ",").replace("\t", ",").split(",", 2)]
        row = _row(line, cells)
        if row is not None:
            rows.append(row)
    return _drop_header(rows)


def _decode(data: bytes) -> str:
    # Excel on Chinese Windows saves CSV as GB18030; everything else is UTF-8, often with a BOM.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput("文件编码无法识别，请保存为 UTF-8 编码的 CSV")


def rows_from_csv(data: bytes) -> list[RawRow]:
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    rows = []
    for cells in reader:
        row = _row(reader.line_num, [c.strip() for c in cells])
        if row is not None:
            rows.append(row)
    return _drop_header(rows)


def rows_from_xlsx(data: bytes) -> list[RawRow]:
    try:
        rows = excel.read(data, SHEET)
    except excel.ExcelErrors as exc:
        if exc.code == "empty_file":
            return []  # import_year reports "没有任何数据行", as for empty text
        raise
    return [
        RawRow(r[excel.ROW], r["date"], r["kind"], r["name"] if r["name"] is not None else "") for r in rows
    ]


def xlsx_template() -> bytes:
    return excel.template(SHEET)


def rows_from_upload(upload) -> list[RawRow]:
    if upload.size > MAX_UPLOAD_BYTES:
        raise InvalidInput("文件过大（上限 1 MB）")
    data = upload.read()
    if upload.name.lower().endswith(".xlsx"):
        return rows_from_xlsx(data)
    return rows_from_csv(data)

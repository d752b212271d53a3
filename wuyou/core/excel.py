"""One Excel mechanism for every register: declare a sheet once, then read, write and template it.

    SHEET = Sheet("企业", [Column("uscc", "统一社会信用代码", required=True, unique=True), …])

    rows = excel.read(upload, SHEET)          # list of dicts, or one ExcelErrors listing every bad row
    data = excel.write(SHEET, rows)           # an export that imports again
    data = excel.template(SHEET)              # headers, widths, drop-down lists, an example row, notes

Importers are all or nothing, and that is the caller's job, always in this order:

    1. parse everything first: `read()` (cells, required values, duplicates) plus the caller's own
       checks of the parsed rows, collected into a list of `RowError`s;
    2. if there is any error, raise `ExcelErrors(errors)` and write nothing;
    3. otherwise write every row in one transaction and record one audit row with the counts.

Columns are found by header text in any order; extra columns are ignored. Row numbers are the ones
Excel shows (the header is usually row 1), so a user can go straight to the cell to fix. Row 0 in an
error means the file as a whole.
"""

import io
import re
from collections.abc import Callable, Iterable
from dataclasses import KW_ONLY, dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from wuyou.core.errors import InvalidInput
from wuyou.core.files import UnsafeArchive, inspect_archive

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 5000
# Each parsed row carries the number Excel shows for it, so callers can report their own checks.
ROW = "_row"
# Errors shown in the one-line message; the full list stays on the exception for the page to render.
SHOWN_ERRORS = 20
LISTS_SHEET = "选项"
NOTES_SHEET = "填写说明"


# ---------------------------------------------------------------- cell parsers
# Each takes the raw cell value (str, int, float, bool, datetime or None) and returns the parsed value
# or raises ValueError with a Chinese reason; the column's header is prefixed by the caller's message.


def raw(value):
    """The cell as it is (text stripped): for callers that validate the value themselves."""
    return value.strip() if isinstance(value, str) else value


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        # Excel stores 430211 typed into a General cell as a float.
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def integer(value) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ValueError("应为整数")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"「{value}」不是整数")
        return int(value)
    if isinstance(value, int):
        return value
    s = str(value).strip().replace(",", "")
    try:
        return int(s)
    except ValueError:
        raise ValueError(f"「{s}」不是整数") from None


_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_date(value) -> date | None:
    """A date from a date cell, an Excel serial number, or text: 2026-01-01, 2026/1/1, 2026年1月1日."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A serial number: a date typed into a cell formatted as General or Number.
        if 1 <= value < 2958466:
            return from_excel(value).date()
        raise ValueError(f"日期“{value}”无法识别，应为 YYYY-MM-DD")
    s = str(value).strip()
    m = _YMD.match(s)
    if m is None and re.fullmatch(r"\d{8}", s):
        m = re.match(r"(\d{4})(\d{2})(\d{2})", s)
    if m is not None:
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    raise ValueError(f"日期“{s}”无法识别，应为 YYYY-MM-DD、2026/1/1 或 2026年1月1日")


def text_list(value) -> list[str]:
    """A list typed into one cell, separated by commas or 、 (full-width too)."""
    s = text(value)
    return [t.strip() for t in re.split(r"[,，、;；\n]", s) if t.strip()]


# ---------------------------------------------------------------- declaration


@dataclass
class Column:
    """One column: `key` in the parsed rows, `header` in the file.

    `required`: the header must be present and every row must fill the cell. `header_required`
    (default: `required`) asks only for the header, for callers that check empty cells themselves.
    `choices` are (value, label) pairs: a cell may hold either; the template offers the labels in a
    drop-down list. `strict=False` keeps the drop-down but hands the cell to `parse` unchecked (for
    callers that accept more spellings than the list shows). `unique`: a value may appear once."""

    key: str
    header: str
    _: KW_ONLY
    required: bool = False
    parse: Callable = text
    choices: list[tuple] | None = None
    width: int = 16
    example: object = None
    note: str = ""
    unique: bool = False
    strict: bool = True
    header_required: bool | None = None
    aliases: tuple[str, ...] = ()

    def __post_init__(self):
        if self.header_required is None:
            self.header_required = self.required

    def label_of(self, value):
        for v, label in self.choices or ():
            if v == value:
                return label
        return value

    def convert(self, cell):
        value = self.parse(cell)
        if not self.choices or not self.strict or value in (None, "", []):
            return value
        for v, label in self.choices:
            if value == v or str(value).lower() == str(v).lower() or value == label:
                return v
        labels = "/".join(str(label) for _, label in self.choices)
        raise ValueError(f"「{value}」无效，应为 {labels}")


@dataclass
class Sheet:
    """A register's sheet. `header_optional`: a file whose first row names none of the headers is read
    by position (old exports without a header row). `skip_comments`: rows whose first cell starts
    with # are notes, not data."""

    title: str
    columns: list[Column]
    _: KW_ONLY
    max_rows: int = MAX_ROWS
    header_optional: bool = False
    skip_comments: bool = False
    by_key: dict = field(init=False, repr=False)

    def __post_init__(self):
        self.by_key = {c.key: c for c in self.columns}


@dataclass
class RowError:
    row: int
    message: str

    def __str__(self):
        return f"第 {self.row} 行：{self.message}" if self.row else self.message


# Codes of errors about the whole file rather than some of its rows.
FILE_CODES = frozenset({"bad_file", "bad_header", "too_many_rows", "empty_file"})


class ExcelErrors(InvalidInput):
    """Every problem found in one file; nothing of it was imported. `errors` is sorted by row."""

    code = "excel_invalid"

    def __init__(self, errors: list[RowError], code: str | None = None):
        self.errors = sorted(errors, key=lambda e: e.row)
        if len(self.errors) == 1 and code in FILE_CODES:
            # A problem with the file as a whole: the sentence itself is the message.
            message = self.errors[0].message
        else:
            shown = "；".join(str(e) for e in self.errors[:SHOWN_ERRORS])
            more = (
                f"；另有 {len(self.errors) - SHOWN_ERRORS} 处错误" if len(self.errors) > SHOWN_ERRORS else ""
            )
            message = f"导入失败，共 {len(self.errors)} 处错误，未导入任何数据。{shown}{more}"
        super().__init__(message, code=code)


def _file_error(message: str, code: str, row: int = 0) -> ExcelErrors:
    return ExcelErrors([RowError(row, message)], code=code)


# ---------------------------------------------------------------- reading


def _content(file) -> bytes:
    if isinstance(file, bytes | bytearray):
        return bytes(file)
    if hasattr(file, "seek"):
        try:
            file.seek(0)
        except (OSError, ValueError):
            pass
    return file.read()


def _too_many(cap: int) -> ExcelErrors:
    return _file_error(f"文件超过 {cap} 行数据的上限，请拆分成多个文件分批导入", "too_many_rows")


def _open(file):
    data = _content(file)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _file_error("不支持旧版 .xls 文件：请在 Excel 中另存为 .xlsx 后再上传", "bad_file")
    if not data.startswith(b"PK"):
        raise _file_error("无法读取文件：请上传 .xlsx 格式的 Excel 文件", "bad_file")
    # The same archive check as every upload, before openpyxl inflates anything: an import is no way
    # around the zip bomb limits.
    try:
        inspect_archive(io.BytesIO(data), require_prefix="xl/")
    except UnsafeArchive as exc:
        if exc.corrupt:
            raise _file_error("无法读取文件：文件已损坏或不是 .xlsx 格式的 Excel 文件", "bad_file") from None
        raise _file_error(f"无法读取文件：文件{exc.reason}", "bad_file") from None
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many unrelated types for a damaged file
        raise _file_error("无法读取文件：文件已损坏或不是 .xlsx 格式的 Excel 文件", "bad_file") from None


def _blank(values) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _norm(header) -> str:
    # Headers are matched loosely: spaces and the "*" some templates put on required columns don't count.
    return re.sub(r"[\s*＊]", "", str(header or ""))


def _raw_rows(wb, sheet: Sheet):
    """(header, [(row number, values)]) of the sheet, refusing a file over the row cap."""
    ws = wb[sheet.title] if sheet.title in wb.sheetnames else wb.worksheets[0]
    cap = sheet.max_rows
    too_many = _too_many(cap)
    # The size the file states (its <dimension>) refuses a huge file before a single row is read;
    # counting while reading covers files that state none.
    if ws.max_row and ws.max_row > cap + 1:
        raise too_many
    header, rows = None, []
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        if _blank(values):
            continue
        if sheet.skip_comments and isinstance(values[0], str) and values[0].strip().startswith("#"):
            continue
        if header is None:
            header = (number, values)
            continue
        rows.append((number, values))
        if len(rows) > cap:
            raise too_many
    return header, rows


def read(
    file, sheet: Sheet, *, check: Callable[[list[dict]], Iterable[RowError]] | None = None
) -> list[dict]:
    """Parse a whole file into dicts keyed by column key (plus ROW, the Excel row number).

    Every bad row is reported with its number and reason. `check(rows)` runs on the rows whose cells
    parsed and returns more errors (the caller's own rules); all are raised together as one
    ExcelErrors, so a user fixes the file once. Blank rows and an unchanged template example row are
    skipped. A file with no data row raises ExcelErrors(code="empty_file")."""
    wb = _open(file)
    try:
        header, rows = _raw_rows(wb, sheet)
        # Only a file made from our template (it carries the notes sheet) has an example row to skip,
        # and only as its first data row: a real row that happens to equal the example (the negative
        # list's example is a real item) is never dropped from an export being re-imported.
        from_template = NOTES_SHEET in wb.sheetnames
    finally:
        wb.close()
    names = [_norm(h) for h in (header[1] if header else ())]
    index = {}
    for col in sheet.columns:
        for name in (col.header, *col.aliases):
            if _norm(name) in names:
                index[col.key] = names.index(_norm(name))
                break
    if sheet.header_optional and header:
        if not index:
            # No known header: a file without a header row, read by position from its first row.
            rows.insert(0, header)
        # Columns the header does not name are read at their position, unless another column sits there.
        taken = set(index.values())
        for i, col in enumerate(sheet.columns):
            if col.key not in index and i not in taken:
                index[col.key] = i
        if len(rows) > sheet.max_rows:
            raise _too_many(sheet.max_rows)
    missing = [c.header for c in sheet.columns if c.header_required and c.key not in index]
    if missing:
        raise _file_error(f"表头缺少列：{'、'.join(missing)}（第 1 行应为列名）", "bad_header", row=1)

    example = _example_values(sheet)
    errors: list[RowError] = []
    parsed: list[dict] = []
    seen: dict[str, dict] = {c.key: {} for c in sheet.columns if c.unique}
    first = rows[0][0] if rows else None
    for number, values in rows:
        cells = {k: (values[i] if i < len(values) else None) for k, i in index.items()}
        is_example = example and all(text(cells.get(k)) == v for k, v in example.items())
        if is_example and from_template and number == first:
            continue
        row, problems = {ROW: number}, []
        for col in sheet.columns:
            if col.key not in index:
                row[col.key] = _empty(col)
                continue
            try:
                value = col.convert(cells[col.key])
            except (ValueError, ValidationError) as exc:
                reason = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
                problems.append(reason if col.header in reason else f"{col.header}{reason}")
                continue
            if col.required and value in (None, "", []):
                problems.append(f"{col.header}不能为空")
                continue
            if col.unique and value not in (None, ""):
                first = seen[col.key].setdefault(value, number)
                if first != number:
                    problems.append(f"{col.header}与第 {first} 行重复")
            row[col.key] = value
        if problems:
            errors.append(RowError(number, "；".join(problems)))
        else:
            parsed.append(row)
    if check is not None:
        errors.extend(check(parsed))
    if errors:
        raise ExcelErrors(errors, code="bad_rows")
    if not parsed:
        raise _file_error("文件中没有数据行", "empty_file")
    return parsed


def _empty(col: Column):
    # An optional column the file leaves out reads as an empty cell would.
    try:
        return col.parse(None)
    except (ValueError, ValidationError):
        return None


def _example_values(sheet: Sheet) -> dict:
    return {c.key: text(_cell_value(c, c.example)) for c in sheet.columns if c.example is not None}


# ---------------------------------------------------------------- writing


def _cell_value(col: Column, value):
    if value is None:
        return None
    if col.choices:
        value = col.label_of(value)
    if isinstance(value, list | tuple | set):
        return "、".join(str(v) for v in value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones; the value is already local
    return value


def _book(sheet: Sheet, rows: Iterable[dict], *, notes: bool) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet.title
    ws.append([c.header for c in sheet.columns])
    bold, required = Font(bold=True), Font(bold=True, color="C00000")
    fill = PatternFill("solid", fgColor="DDEBF7")
    for i, col in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = required if col.required else bold
        cell.fill = fill
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = "A2"
    for row in rows:
        ws.append([_cell_value(c, row.get(c.key)) for c in sheet.columns])
    for cells in ws.iter_rows(min_row=2):
        for c in cells:
            if isinstance(c.value, date):
                c.number_format = "yyyy-mm-dd"
    _add_choice_lists(wb, ws, sheet)
    if notes:
        _add_notes(wb, sheet)
    return wb


def _add_choice_lists(wb: Workbook, ws, sheet: Sheet) -> None:
    """Drop-down lists for choice columns. The labels sit on a hidden sheet: an inline list is limited
    to 255 characters, a range is not."""
    choice_cols = [(i, c) for i, c in enumerate(sheet.columns, start=1) if c.choices]
    if not choice_cols:
        return
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    last = sheet.max_rows + 1
    for n, (i, col) in enumerate(choice_cols, start=1):
        letter = get_column_letter(n)
        for r, (_, label) in enumerate(col.choices, start=1):
            lists.cell(row=r, column=n, value=str(label))
        dv = DataValidation(
            type="list",
            formula1=f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(col.choices)}",
            allow_blank=not col.required,
            showErrorMessage=col.strict,
            errorTitle="无效的值",
            error=f"{col.header}请从下拉列表中选择",
            promptTitle=col.header,
            prompt="请从下拉列表中选择",
        )
        target = get_column_letter(i)
        dv.add(f"{target}2:{target}{last}")
        ws.add_data_validation(dv)


def _add_notes(wb: Workbook, sheet: Sheet) -> None:
    notes = wb.create_sheet(NOTES_SHEET, index=1)
    notes.append(["列名", "是否必填", "说明", "可选值", "示例"])
    for c in notes[1]:
        c.font = Font(bold=True)
    for col in sheet.columns:
        notes.append(
            [
                col.header,
                "必填" if col.required else "选填",
                col.note,
                "、".join(str(label) for _, label in col.choices or ()),
                "" if col.example is None else str(_cell_value(col, col.example)),
            ]
        )
    notes.append([])
    notes.append(
        [
            f"第 2 行是示例，请改成实际数据（原样保留的示例行不会导入）。每个文件最多 {sheet.max_rows} 行；"
            "任何一行有错，整个文件都不导入，并列出所有出错的行号和原因。"
        ]
    )
    for letter, width in zip("ABCDE", (18, 10, 50, 30, 24), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")


def _save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write(sheet: Sheet, rows: Iterable[dict]) -> bytes:
    """An .xlsx of the rows (dicts by column key; choice values written as their labels) that `read`
    takes back: the export of a register is also a file to edit and import."""
    return _save(_book(sheet, rows, notes=False))


def template(sheet: Sheet) -> bytes:
    """The downloadable template: headers (required ones in red), widths, frozen header row, drop-down
    lists for choice columns, one example row, and a notes sheet explaining every column."""
    example = {c.key: c.example for c in sheet.columns if c.example is not None}
    return _save(_book(sheet, [example] if example else [], notes=True))


def response_headers(filename: str) -> dict:
    """Headers for a download; the name may be Chinese."""
    from urllib.parse import quote

    return {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"}


__all__ = [
    "CONTENT_TYPE",
    "Column",
    "ExcelErrors",
    "MAX_ROWS",
    "ROW",
    "RowError",
    "Sheet",
    "integer",
    "parse_date",
    "raw",
    "read",
    "template",
    "text",
    "text_list",
    "write",
]

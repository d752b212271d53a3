"""Excel import and export of a list version. Import checks every row first and creates nothing when any
row is wrong; the errors name the row numbers as Excel shows them."""

import io
import zipfile

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .catalog import RowError, check_rows
from .models import ListVersion

COLUMNS = [
    ("category_code", "类别编码"),
    ("category_name", "类别名称"),
    ("domain_code", "领域编码"),
    ("domain_name", "领域名称"),
    ("code", "条目编码"),
    ("behaviour", "刁难行为"),
    ("departments", "责任单位编码"),
    ("basis", "依据"),
    ("notes", "备注"),
]
MAX_ROWS = 5000


def export_version(lv: ListVersion) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "负面清单"
    ws.append([label for _, label in COLUMNS])
    items = (
        lv.items.select_related("domain__category")
        .prefetch_related("departments")
        .order_by("position", "code")
    )
    for it in items:
        ws.append(
            [
                it.domain.category.code,
                it.domain.category.name,
                it.domain.code,
                it.domain.name,
                it.code,
                it.behaviour,
                ",".join(d.code for d in it.departments.all()),
                it.basis,
                it.notes,
            ]
        )
    for col, width in zip("ABCDEFGHI", (8, 16, 8, 18, 10, 60, 20, 40, 20), strict=True):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read_rows(fileobj) -> tuple[list[dict], list[RowError]]:
    """Parse the workbook; header row names the columns (order free). Returns (valid rows, errors)."""
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        return [], [RowError(0, "无法读取文件，请上传 .xlsx 格式的 Excel 文件")]
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None) or ()
    by_label = {label: key for key, label in COLUMNS}
    index = {by_label[str(h).strip()]: i for i, h in enumerate(header) if h and str(h).strip() in by_label}
    missing = [label for key, label in COLUMNS[:6] if key not in index]
    if missing:
        return [], [RowError(1, "表头缺少列：" + "、".join(missing))]
    raw = []
    for n, values in enumerate(rows, start=2):
        if n > MAX_ROWS + 1:
            return [], [RowError(n, f"条目超过 {MAX_ROWS} 行")]
        if not any(v not in (None, "") for v in values):
            continue
        raw.append((n, {key: (values[i] if i < len(values) else None) for key, i in index.items()}))
    wb.close()
    checked = check_rows([r for _, r in raw], numbers=[n for n, _ in raw])
    return (checked.rows if not checked.errors else []), checked.errors

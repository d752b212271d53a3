"""Excel import and export of a list version, through the Excel kernel (`wuyou.core.excel`). Import checks
every row first and creates nothing when any row is wrong; the errors name the row numbers as Excel shows
them."""

from wuyou.core import excel

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
CONTENT_TYPE = excel.CONTENT_TYPE
_WIDTHS = (8, 16, 8, 18, 10, 60, 20, 40, 20)
_EXAMPLE = ("A", "准入开办类", "A1", "登记注册", "A1-01", "无法定依据要求企业重复提交材料", "scjgj", "", "")
_NOTES = {
    "category_code": "同一类别的各行编码和名称一致",
    "domain_code": "同一领域的各行编码、名称和所属类别一致",
    "code": "全表唯一，最多 20 个字符",
    "departments": "部门编码，多个用逗号分隔",
}
# Empty cells are checked by check_rows, which reports them together with the row's other problems.
SHEET = excel.Sheet(
    "负面清单",
    [
        excel.Column(
            key,
            label,
            header_required=i < 6,
            width=_WIDTHS[i],
            example=_EXAMPLE[i] or None,
            note=_NOTES.get(key, "必填" if i < 6 else ""),
        )
        for i, (key, label) in enumerate(COLUMNS)
    ],
    max_rows=MAX_ROWS,
)


def export_version(lv: ListVersion) -> bytes:
    items = (
        lv.items.select_related("domain__category")
        .prefetch_related("departments")
        .order_by("position", "code")
    )
    rows = (
        {
            "category_code": it.domain.category.code,
            "category_name": it.domain.category.name,
            "domain_code": it.domain.code,
            "domain_name": it.domain.name,
            "code": it.code,
            "behaviour": it.behaviour,
            "departments": ",".join(d.code for d in it.departments.all()),
            "basis": it.basis,
            "notes": it.notes,
        }
        for it in items
    )
    return excel.write(SHEET, rows)


def template() -> bytes:
    return excel.template(SHEET)


def read_rows(fileobj) -> tuple[list[dict], list[RowError]]:
    """Parse the workbook; header row names the columns (order free). Returns (valid rows, errors):
    the rows only when there is no error at all. Row 0 is the file, row 1 its header."""
    try:
        raw = excel.read(fileobj, SHEET)
    except excel.ExcelErrors as exc:
        if exc.code == "empty_file":
            return [], [RowError(2, "文件中没有任何条目")]
        return [], exc.errors
    numbers = [r.pop(excel.ROW) for r in raw]
    checked = check_rows(raw, numbers=numbers)
    return (checked.rows if not checked.errors else []), checked.errors

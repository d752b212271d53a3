"""Writes to the organisation catalogue: enterprises (with Excel import) and departments."""

import io
from dataclasses import dataclass

import openpyxl
from django.core.exceptions import ValidationError
from django.db import transaction

from wuyou.core.errors import InvalidInput

from .models import Department, District, Enterprise
from .validators import clean_phone, clean_uscc

INDUSTRY_SECTIONS = "ABCDEFGHIJKLMNOPQRST"
# Spreadsheets carry the Chinese labels whatever language the UI is in.
SIZE_BY_LABEL = {"大型": "large", "中型": "medium", "小型": "small", "微型": "micro"} | {
    v: v for v in Enterprise.Size.values
}
SIZE_LABEL = {v: k for k, v in SIZE_BY_LABEL.items() if k != v}
EXCEL_COLUMNS = [
    "统一社会信用代码",
    "企业名称",
    "所属区县",
    "行业门类",
    "规模",
    "标签",
    "联系人",
    "联系电话",
    "地址",
]


@dataclass
class RowError:
    row: int
    message: str

    def __str__(self):
        return f"第 {self.row} 行：{self.message}"


class ImportFailed(InvalidInput):
    code = "import_failed"

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        shown = "；".join(str(e) for e in errors[:20])
        more = f"；另有 {len(errors) - 20} 处错误" if len(errors) > 20 else ""
        super().__init__(f"导入失败，共 {len(errors)} 处错误，未导入任何数据。{shown}{more}")


def _district(value: str, districts: dict) -> District:
    value = (value or "").strip()
    found = districts.get(value)
    if found is None:
        raise ValueError(f"所属区县「{value}」不存在（填写区划代码或名称，如 430211 或 天元区）")
    return found


def enterprise_fields(raw: dict, districts: dict) -> dict:
    """Validate one enterprise's fields; raise ValueError with a Chinese message."""
    try:
        uscc = clean_uscc(str(raw.get("uscc") or ""))
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None
    name = str(raw.get("name") or "").strip()
    if not name:
        raise ValueError("企业名称不能为空")
    industry = str(raw.get("industry") or "").strip().upper()
    if len(industry) != 1 or industry not in INDUSTRY_SECTIONS:
        raise ValueError(f"行业门类「{industry}」无效，应为 GB/T 4754 门类字母 A–T")
    size_raw = str(raw.get("size") or "").strip()
    size = SIZE_BY_LABEL.get(size_raw) or SIZE_BY_LABEL.get(size_raw.rstrip("型"))
    if size is None:
        size = SIZE_BY_LABEL.get(size_raw + "型")
    if size is None:
        raise ValueError(f"规模「{size_raw}」无效，应为 大/中/小/微")
    phone = str(raw.get("contact_phone") or "").strip()
    if phone:
        try:
            phone = clean_phone(phone)
        except ValidationError as exc:
            raise ValueError(exc.messages[0]) from None
    tags = raw.get("tags") or []
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.replace("，", ",").replace("、", ",").split(",") if t.strip()]
    return {
        "uscc": uscc,
        "name": name[:200],
        "district": _district(str(raw.get("district") or ""), districts),
        "industry": industry,
        "size": size,
        "tags": tags,
        "contact_name": str(raw.get("contact_name") or "").strip()[:50],
        "contact_phone": phone,
        "address": str(raw.get("address") or "").strip()[:200],
    }


def district_lookup() -> dict:
    lookup = {}
    for d in District.objects.all():
        lookup[d.code] = d
        lookup[d.name] = d
    return lookup


@transaction.atomic
def enterprise_save(*, data: dict) -> Enterprise:
    fields = enterprise_fields(data, district_lookup())
    obj, _ = Enterprise.objects.update_or_create(uscc=fields.pop("uscc"), defaults=fields)
    return obj


def read_enterprise_rows(content: bytes) -> list[tuple[int, dict]]:
    try:
        wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise InvalidInput("无法读取文件：请上传 .xlsx 格式的 Excel 文件", code="bad_file") from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [str(c or "").strip() for c in next(rows, [])]
    missing = [c for c in EXCEL_COLUMNS[:5] if c not in header]
    if missing:
        raise InvalidInput(f"表头缺少列：{'、'.join(missing)}", code="bad_header")
    keys = [
        "uscc",
        "name",
        "district",
        "industry",
        "size",
        "tags",
        "contact_name",
        "contact_phone",
        "address",
    ]
    index = {key: header.index(col) for key, col in zip(keys, EXCEL_COLUMNS, strict=True) if col in header}
    out = []
    for number, row in enumerate(rows, start=2):
        if row is None or all(v in (None, "") for v in row):
            continue
        out.append((number, {k: (row[i] if i < len(row) else None) for k, i in index.items()}))
    return out


@transaction.atomic
def enterprises_import(*, content: bytes) -> dict:
    """All or nothing: every bad row is reported with its row number, and a file with any error imports none."""
    rows = read_enterprise_rows(content)
    districts = district_lookup()
    errors, valid, seen = [], [], {}
    for number, raw in rows:
        try:
            fields = enterprise_fields(raw, districts)
        except ValueError as exc:
            errors.append(RowError(number, str(exc)))
            continue
        if fields["uscc"] in seen:
            errors.append(RowError(number, f"统一社会信用代码与第 {seen[fields['uscc']]} 行重复"))
            continue
        seen[fields["uscc"]] = number
        valid.append(fields)
    if errors:
        raise ImportFailed(errors)
    if not valid:
        raise InvalidInput("文件中没有数据行", code="empty_file")
    created = updated = 0
    for fields in valid:
        _, was_created = Enterprise.objects.update_or_create(uscc=fields.pop("uscc"), defaults=fields)
        created += was_created
        updated += not was_created
    return {"created": created, "updated": updated}


def enterprises_export(queryset=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "企业"
    ws.append(EXCEL_COLUMNS)
    qs = (
        (queryset if queryset is not None else Enterprise.objects.all())
        .select_related("district")
        .order_by("uscc")
    )
    for e in qs.iterator():
        ws.append(
            [
                e.uscc,
                e.name,
                e.district.code,
                e.industry,
                SIZE_LABEL[e.size],
                "、".join(e.tags),
                e.contact_name,
                e.contact_phone,
                e.address,
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@transaction.atomic
def department_deactivate(*, code: str) -> Department:
    dept = Department.objects.select_for_update().get(code=code)
    dept.is_active = False
    dept.save(update_fields=["is_active"])
    return dept

"""Writes to the organisation catalogue: enterprises (with Excel import), departments, user roles.

Every write records one audit row (`wuyou.core.audit.record_change`) in its own transaction; an import
records one row with its counts, not one per enterprise.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from wuyou.core import excel
from wuyou.core.audit import record_change, snapshot
from wuyou.core.errors import InvalidInput

from . import auth_events
from .models import Department, District, Enterprise, Role, User
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
ENTERPRISE_FIELDS = [
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
DEPARTMENT_FIELDS = ["name", "kind", "district", "responsibility", "keywords", "is_active"]
# The kernel's error type; the old name stays for callers and tests.
RowError = excel.RowError
ImportFailed = excel.ExcelErrors


def _district(value: str, districts: dict) -> District:
    value = (value or "").strip()
    found = districts.get(value)
    if found is None:
        raise ValueError(f"所属区县「{value}」不存在（填写区划代码或名称，如 430211 或 天元区）")
    return found


def _uscc(value) -> str:
    return clean_uscc(excel.text(value))


# GB/T 4754-2017 门类: exports show the name, imports take the letter, the name or both ("C 制造业").
INDUSTRY_NAMES = {
    "A": "农、林、牧、渔业",
    "B": "采矿业",
    "C": "制造业",
    "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业",
    "F": "批发和零售业",
    "G": "交通运输、仓储和邮政业",
    "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业",
    "J": "金融业",
    "K": "房地产业",
    "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业",
    "O": "居民服务、修理和其他服务业",
    "P": "教育",
    "Q": "卫生和社会工作",
    "R": "文化、体育和娱乐业",
    "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
}
_INDUSTRY_BY_NAME = {name: letter for letter, name in INDUSTRY_NAMES.items()}


def industry_label(letter: str) -> str:
    """「C 制造业」: the letter and its name, as exports show an enterprise's industry."""
    name = INDUSTRY_NAMES.get(letter or "")
    return f"{letter} {name}" if name else (letter or "")


def _industry(value) -> str:
    industry = excel.text(value).replace("，", "、").strip()
    if industry in _INDUSTRY_BY_NAME:
        return _INDUSTRY_BY_NAME[industry]
    head, rest = industry[:1].upper(), industry[1:].strip()
    if rest and INDUSTRY_NAMES.get(head) == rest:
        return head  # "C 制造业", "C制造业": what the export writes
    industry = industry.upper()
    if len(industry) != 1 or industry not in INDUSTRY_SECTIONS:
        raise ValueError(
            f"行业门类「{excel.text(value)}」无效，应为 GB/T 4754 门类字母 A–T 或门类名称（如 C 或 制造业）"
        )
    return industry


def _size(value) -> str:
    size_raw = excel.text(value)
    size = SIZE_BY_LABEL.get(size_raw) or SIZE_BY_LABEL.get(size_raw.rstrip("型"))
    if size is None:
        size = SIZE_BY_LABEL.get(size_raw + "型")
    if size is None:
        raise ValueError(f"规模「{size_raw}」无效，应为 大/中/小/微")
    return size


def _phone(value) -> str:
    phone = excel.text(value)
    return clean_phone(phone) if phone else ""


def enterprise_fields(raw: dict, districts: dict) -> dict:
    """Validate one enterprise's fields; raise ValueError with a Chinese message."""
    try:
        uscc = _uscc(raw.get("uscc"))
        phone = _phone(raw.get("contact_phone"))
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None
    name = excel.text(raw.get("name"))
    if not name:
        raise ValueError("企业名称不能为空")
    tags = raw.get("tags") or []
    if isinstance(tags, str):
        tags = excel.text_list(tags)
    district = raw.get("district")
    return {
        "uscc": uscc,
        "name": name[:200],
        "district": district
        if isinstance(district, District)
        else _district(excel.text(district), districts),
        "industry": _industry(raw.get("industry")),
        "size": _size(raw.get("size")),
        "tags": tags,
        "contact_name": excel.text(raw.get("contact_name"))[:50],
        "contact_phone": phone,
        "address": excel.text(raw.get("address"))[:200],
    }


def district_lookup() -> dict:
    lookup = {}
    for d in District.objects.all():
        lookup[d.code] = d
        lookup[d.name] = d
    return lookup


def enterprise_sheet(districts: dict | None = None) -> excel.Sheet:
    """The enterprise register's sheet; its district list comes from the database."""
    districts = district_lookup() if districts is None else districts
    names = sorted({d.name: d.code for d in districts.values()}.items(), key=lambda kv: kv[1])
    C = excel.Column
    return excel.Sheet(
        "企业",
        [
            C(
                "uscc",
                "统一社会信用代码",
                required=True,
                unique=True,
                parse=_uscc,
                width=22,
                example="91430211MA4L99999H",
                note="18 位，含校验位",
            ),
            C("name", "企业名称", required=True, width=30, example="株洲示例制造有限公司"),
            C(
                "district",
                "所属区县",
                required=True,
                width=12,
                parse=lambda v: _district(excel.text(v), districts),
                choices=[(n, n) for n, _ in names],
                strict=False,
                example="天元区",
                note="区划代码或名称，如 430211 或 天元区",
            ),
            C(
                "industry",
                "行业门类",
                required=True,
                parse=_industry,
                width=10,
                example="C",
                choices=[(x, industry_label(x)) for x in INDUSTRY_SECTIONS],
                strict=False,
                note="GB/T 4754 门类：字母、名称或两者，如 C、制造业 或 C 制造业",
            ),
            C(
                "size",
                "规模",
                required=True,
                parse=_size,
                width=8,
                example="small",
                choices=[(v, SIZE_LABEL[v]) for v in Enterprise.Size.values],
                strict=False,
            ),
            C(
                "tags",
                "标签",
                parse=excel.text_list,
                width=24,
                example=["规上企业"],
                note="多个标签用顿号或逗号分隔",
            ),
            C("contact_name", "联系人", width=10, example="张经理"),
            C(
                "contact_phone",
                "联系电话",
                parse=_phone,
                width=16,
                example="13812341234",
                note="手机或带区号的座机",
            ),
            C("address", "地址", width=30, example="株洲市天元区示例路 1 号"),
        ],
    )


@transaction.atomic
def enterprise_save(*, data: dict, by=None) -> Enterprise:
    fields = enterprise_fields(data, district_lookup())
    uscc = fields.pop("uscc")
    old = Enterprise.objects.select_for_update().filter(uscc=uscc).first()
    before = snapshot(old, ENTERPRISE_FIELDS) if old else {}
    obj, created = Enterprise.objects.update_or_create(uscc=uscc, defaults=fields)
    record_change(
        by=by,
        action="enterprise.create" if created else "enterprise.update",
        subject=obj,
        before=before,
        after=snapshot(obj, ENTERPRISE_FIELDS),
    )
    return obj


def read_enterprise_rows(content: bytes) -> list[dict]:
    """Parse an upload into validated enterprise fields; raises ExcelErrors listing every bad row."""
    districts = district_lookup()
    rows = excel.read(content, enterprise_sheet(districts))
    for row in rows:
        row["name"] = row["name"][:200]
        row["contact_name"] = row["contact_name"][:50]
        row["address"] = row["address"][:200]
    return rows


@transaction.atomic
def enterprises_import(*, content: bytes, by=None) -> dict:
    """All or nothing: every bad row is reported with its row number, and a file with any error imports none."""
    rows = read_enterprise_rows(content)
    created = updated = 0
    for row in rows:
        fields = {k: row[k] for k in ENTERPRISE_FIELDS}
        _, was_created = Enterprise.objects.update_or_create(uscc=fields.pop("uscc"), defaults=fields)
        created += was_created
        updated += not was_created
    result = {"created": created, "updated": updated}
    record_change(
        by=by,
        action="enterprise.import",
        subject=("orgs.enterprise", "", "企业名录"),
        after={**result, "rows": len(rows)},
    )
    return result


def filter_enterprises(qs, q: str = ""):
    """The register page's search: a name fragment or an exact credit code."""
    q = (q or "").strip()
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(uscc__iexact=q)
    return qs


def enterprises_export(queryset=None, *, q: str = "") -> bytes:
    """The register as the import reads it, with names rather than codes: the district's name and the
    industry's letter and name (「C 制造业」); `q` applies the page's search."""
    qs = filter_enterprises(queryset if queryset is not None else Enterprise.objects.all(), q)
    qs = qs.select_related("district").order_by("uscc")
    rows = (
        {
            "uscc": e.uscc,
            "name": e.name,
            "district": e.district.name,
            "industry": e.industry,
            "size": e.size,
            "tags": e.tags,
            "contact_name": e.contact_name,
            "contact_phone": e.contact_phone,
            "address": e.address,
        }
        for e in qs.iterator()
    )
    return excel.write(enterprise_sheet(), rows)


def enterprises_template() -> bytes:
    return excel.template(enterprise_sheet())


@transaction.atomic
def department_update(*, code: str, by, **changes) -> Department:
    """Change a department's editable fields (its code never changes: the API and history use it)."""
    unknown = set(changes) - set(DEPARTMENT_FIELDS)
    if unknown:
        raise InvalidInput(f"不能修改部门的字段：{'、'.join(sorted(unknown))}", code="bad_field")
    dept = Department.objects.select_for_update().filter(code=code).first()
    if dept is None:
        raise InvalidInput(f"部门 {code} 不存在", code="not_found")
    before = snapshot(dept, DEPARTMENT_FIELDS)
    for name, value in changes.items():
        setattr(dept, name, value)
    if "name" in changes and not str(dept.name or "").strip():
        raise InvalidInput("部门名称不能为空", code="bad_name")
    dept.save(update_fields=list(changes) or None)
    record_change(
        by=by,
        action="department.update",
        subject=dept,
        before=before,
        after=snapshot(dept, DEPARTMENT_FIELDS),
    )
    return dept


def department_deactivate(*, code: str, by=None) -> Department:
    return department_update(code=code, by=by, is_active=False)


USER_ROLE_FIELDS = ["role", "department", "enterprise"]


@transaction.atomic
def user_set_role(
    *, user_id: int, role: str, by, department: Department | None = None, enterprise: Enterprise | None = None
) -> User:
    """Give a user a role and its organisation (a department for department roles, an enterprise for
    enterprise users, none otherwise)."""
    if role not in Role.values:
        raise InvalidInput(f"角色「{role}」不存在", code="bad_role")
    if role in (Role.DEPT_HANDLER, Role.DEPT_LEADER) and department is None:
        raise InvalidInput("部门经办人和负责人必须属于一个部门", code="department_required")
    if role == Role.ENTERPRISE and enterprise is None:
        raise InvalidInput("企业用户必须属于一家企业", code="enterprise_required")
    if department is not None and enterprise is not None:
        raise InvalidInput("一个账号最多属于一个单位", code="one_organisation")
    user = User.objects.select_for_update().get(pk=user_id)
    before = snapshot(user, USER_ROLE_FIELDS)
    user.role, user.department, user.enterprise = role, department, enterprise
    user.save(update_fields=USER_ROLE_FIELDS)
    record_change(
        by=by, action="user.role", subject=user, before=before, after=snapshot(user, USER_ROLE_FIELDS)
    )
    return user


# What an administrator changes about a user that the audit's 登录认证 category reports: the role and its
# organisation, superuser status and groups (role_changed), and whether the account may sign in at all.
def access_snapshot(user: User | None) -> dict:
    """A user's access as stored now, in words (for the note of role_changed); {} for no user."""
    if user is None or user.pk is None:
        return {}
    user = User.objects.select_related("department", "enterprise").get(pk=user.pk)
    return {
        "角色": Role(user.role).label if user.role in Role.values else user.role,
        "单位": str(user.department or user.enterprise or "无"),
        "超级用户": "是" if user.is_superuser else "否",
        "用户组": "、".join(sorted(user.groups.values_list("name", flat=True))) or "无",
        "is_active": user.is_active,
    }


def record_access_change(*, before: dict, user: User, request) -> None:
    """After an administrator saved `user`: auth.role_changed with the old and new values in the note,
    auth.user_deactivated / user_reactivated when the account was switched off or on."""
    if not before:
        return  # a new account: its creation is the admin's user.create record
    after = access_snapshot(user)
    changed = [
        f"{k}：{before[k]} → {after[k]}" for k in after if k != "is_active" and before.get(k) != after[k]
    ]
    if changed:
        auth_events.record("role_changed", user=user, request=request, note="；".join(changed)[:1000])
    if before["is_active"] != after["is_active"]:
        event = "user_reactivated" if after["is_active"] else "user_deactivated"
        auth_events.record(event, user=user, request=request)

"""Writes to the list itself: build a draft version from rows (all rows valid or nothing), publish, retire.

Published versions are never edited: a change is a new draft, and reports keep pointing at the items of
the version they cited. Each write records one audit row (nl_version.create / .publish / .delete);
`by=None` is the system (the demo loader).
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from wuyou.core.audit import record_change, snapshot
from wuyou.core.errors import InvalidInput, InvalidTransition
from wuyou.core.excel import RowError
from wuyou.orgs.models import Department

from .models import CURRENT_STATUSES, Category, Domain, Item, ListVersion

V = ListVersion.Status
VERSION_FIELDS = ["name", "version", "issuer", "status", "effective_on", "published_at", "retired_at"]


@dataclass
class Checked:
    rows: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


REQUIRED = {
    "category_code": "类别编码",
    "category_name": "类别名称",
    "domain_code": "领域编码",
    "domain_name": "领域名称",
    "code": "条目编码",
    "behaviour": "刁难行为",
}


def check_rows(raw_rows, *, first_row: int = 2, numbers: list[int] | None = None) -> Checked:
    """Validate every row; the caller imports only when `errors` is empty. `numbers` are the rows'
    numbers as the user sees them (Excel rows), default first_row, first_row + 1, …"""
    out = Checked()
    depts = dict(Department.objects.values_list("code", "pk"))
    seen_codes: dict[str, int] = {}
    cat_names: dict[str, str] = {}
    dom_names: dict[str, tuple[str, str]] = {}
    for idx, raw in enumerate(raw_rows):
        i = numbers[idx] if numbers else first_row + idx
        row = {
            k: (str(v).strip() if v is not None and not isinstance(v, list) else v) for k, v in raw.items()
        }
        problems = [f"{label}不能为空" for key, label in REQUIRED.items() if not row.get(key)]
        code = row.get("code") or ""
        if code and code in seen_codes:
            problems.append(f"条目编码 {code} 与第 {seen_codes[code]} 行重复")
        seen_codes.setdefault(code, i)
        for key, limit in (("category_code", 10), ("domain_code", 10), ("code", 20)):
            if len(row.get(key) or "") > limit:
                problems.append(f"{REQUIRED[key]}不能超过 {limit} 个字符")
        cc, dc = row.get("category_code"), row.get("domain_code")
        if (
            cc
            and row.get("category_name")
            and cat_names.setdefault(cc, row["category_name"]) != row["category_name"]
        ):
            problems.append(f"类别 {cc} 的名称与前面的行不一致")
        if dc and dom_names.setdefault(dc, (cc, row.get("domain_name"))) != (cc, row.get("domain_name")):
            problems.append(f"领域 {dc} 的名称或所属类别与前面的行不一致")
        codes = row.get("departments") or []
        if isinstance(codes, str):
            codes = [c.strip() for c in codes.replace("，", ",").replace("、", ",").split(",") if c.strip()]
        unknown = [c for c in codes if c not in depts]
        if unknown:
            problems.append("责任单位编码不存在：" + "、".join(unknown))
        row["department_ids"] = [depts[c] for c in codes if c in depts]
        if problems:
            out.errors.append(RowError(i, "；".join(problems)))
        else:
            out.rows.append(row)
    if not out.rows and not out.errors:
        out.errors.append(RowError(first_row, "文件中没有任何条目"))
    return out


@transaction.atomic
def create_version(
    *, name: str, version: str, issuer: str, effective_on: date | None, rows: list[dict], by=None
) -> ListVersion:
    """Create a draft from rows; any invalid row raises InvalidInput and nothing is created."""
    checked = check_rows(rows)
    if checked.errors:
        raise InvalidInput("；".join(f"第 {e.row} 行：{e.message}" for e in checked.errors[:20]))
    name, version, issuer = (name or "").strip(), (version or "").strip(), (issuer or "").strip()
    if not (name and version and issuer):
        raise InvalidInput("清单名称、版本号和发布机关都不能为空", code="version_fields")
    if ListVersion.objects.filter(version=version).exists():
        raise InvalidInput(f"版本号 {version} 已存在", code="version_exists")
    lv = ListVersion.objects.create(name=name, version=version, issuer=issuer, effective_on=effective_on)
    cats, doms = {}, {}
    through = Item.departments.through
    links = []
    for pos, row in enumerate(checked.rows):
        cc, dc = row["category_code"], row["domain_code"]
        if cc not in cats:
            cats[cc] = Category.objects.create(
                version=lv, code=cc, name=row["category_name"], position=len(cats)
            )
        if dc not in doms:
            doms[dc] = Domain.objects.create(
                category=cats[cc], code=dc, name=row["domain_name"], position=len(doms)
            )
        item = Item.objects.create(
            version=lv,
            domain=doms[dc],
            code=row["code"],
            behaviour=row["behaviour"],
            basis=row.get("basis") or "",
            notes=row.get("notes") or "",
            position=pos,
        )
        links += [through(item_id=item.pk, department_id=d) for d in row["department_ids"]]
    through.objects.bulk_create(links)
    record_change(
        by=by,
        action="nl_version.create",
        subject=lv,
        after={
            **snapshot(lv, VERSION_FIELDS),
            "categories": len(cats),
            "domains": len(doms),
            "items": len(checked.rows),
        },
    )
    return lv


@transaction.atomic
def publish(
    *, version_id: int, status: str = V.IN_FORCE, effective_on: date | None = None, by=None
) -> ListVersion:
    """Make a draft the current list (trial or in force); the previous current version is retired."""
    if status not in CURRENT_STATUSES:
        raise InvalidInput("发布状态只能是试行或施行", code="invalid_status")
    lv = ListVersion.objects.select_for_update().filter(pk=version_id).first()
    if lv is None:
        raise InvalidInput("清单版本不存在", code="not_found")
    if lv.status == V.RETIRED:
        raise InvalidTransition("已废止的版本不能再发布")
    now = timezone.now()
    if lv.status == V.DRAFT and not lv.items.exists():
        raise InvalidTransition("空清单不能发布")
    before = snapshot(lv, VERSION_FIELDS)
    current = ListVersion.objects.select_for_update().filter(status__in=CURRENT_STATUSES).exclude(pk=lv.pk)
    retired = [str(v) for v in current]
    current.update(status=V.RETIRED, retired_at=now)
    lv.status = status
    lv.published_at = lv.published_at or now
    if effective_on:
        lv.effective_on = effective_on
    lv.save(update_fields=["status", "published_at", "effective_on"])
    record_change(
        by=by,
        action="nl_version.publish",
        subject=lv,
        before=before,
        after=snapshot(lv, VERSION_FIELDS),
        note=("废止：" + "、".join(retired)) if retired else "",
    )
    return lv


@transaction.atomic
def delete_draft(*, version_id: int, by=None) -> None:
    lv = ListVersion.objects.select_for_update().filter(pk=version_id).first()
    if lv is None or lv.status != V.DRAFT:
        raise InvalidTransition("只能删除草稿版本")
    record_change(by=by, action="nl_version.delete", subject=lv, before=snapshot(lv, VERSION_FIELDS))
    lv.delete()


def current_version() -> ListVersion | None:
    return ListVersion.objects.filter(status__in=CURRENT_STATUSES).first()


def load_demo_list() -> ListVersion | None:
    """Load the built-in list as the current (trial) version unless one with its version number exists."""
    from . import demo_list

    if ListVersion.objects.filter(version=demo_list.VERSION).exists():
        return None
    lv = create_version(
        name=demo_list.NAME,
        version=demo_list.VERSION,
        issuer=demo_list.ISSUER,
        effective_on=date.fromisoformat(demo_list.EFFECTIVE_ON),
        rows=list(demo_list.rows()),
    )
    if current_version() is None:
        publish(version_id=lv.pk, status=V.TRIAL)
        lv.refresh_from_db()
    return lv

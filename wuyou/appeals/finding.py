"""The search page's parameters (issue 10, item 4): every filter and the sort read from GET, bounded and
checked, with the errors in Chinese beside their fields; the filters in words (for the export's notes)
and in a canonical query string (for saved views). The query itself is selectors.search."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuyou.orgs.models import Department, District

from .escalation import LEVEL_LABEL
from .models import Category, Channel, Status
from .selectors import SORT_COLUMNS

# The `sort` parameter: a whitelisted column, "-" for descending. Anything else is an error, never SQL.
SORTS = SORT_COLUMNS
DEFAULT_SORT = "-created"
# The parameters a saved view keeps, in this order (never `page`).
KEYS = (
    "q",
    "created_from",
    "created_to",
    "district",
    "park",
    "category",
    "channel",
    "status",
    "department",
    "overdue",
    "level",
    "enterprise",
    "sort",
)
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
OVERDUE = {"yes": True, "no": False}


# Whole messages per field (lazy, so each request's language applies); Django fills in %(limit_value)d.
def _choice_field(label, choices, message):
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[("", "")] + list(choices),
        error_messages={"invalid_choice": message},
    )


def _text_field(label, limit, message):
    return forms.CharField(
        label=label, required=False, max_length=limit, error_messages={"max_length": message}
    )


def _date_field(label, message):
    return forms.DateField(
        label=label, required=False, input_formats=["%Y-%m-%d"], error_messages={"invalid": message}
    )


class SearchForm(forms.Form):
    q = _text_field(_("关键词"), 100, _("关键词最多 %(limit_value)d 个字"))
    created_from = _date_field(_("提交日期起"), _("提交日期起须为日期，如 2026-01-31"))
    created_to = _date_field(_("提交日期止"), _("提交日期止须为日期，如 2026-01-31"))
    district = forms.CharField(
        required=False, max_length=6, error_messages={"max_length": _("请从列表中选择区县")}
    )
    park = _text_field(_("园区或地点"), 50, _("园区或地点最多 %(limit_value)d 个字"))
    category = _choice_field(_("类别"), Category.choices, _("请从列表中选择类别"))
    channel = _choice_field(_("渠道"), Channel.choices, _("请从列表中选择渠道"))
    status = _choice_field(_("状态"), Status.choices, _("请从列表中选择状态"))
    department = forms.CharField(
        required=False, max_length=32, error_messages={"max_length": _("请从列表中选择主办部门")}
    )
    overdue = _choice_field(
        _("是否超期"), [("yes", _("已超期")), ("no", _("未超期"))], _("请从列表中选择是否超期")
    )
    level = _choice_field(
        _("督办层级"),
        [("0", _("未督办"))] + [(str(k), v) for k, v in LEVEL_LABEL.items()],
        _("请从列表中选择督办层级"),
    )
    enterprise = _text_field(_("企业"), 200, _("企业最多 %(limit_value)d 个字"))
    sort = forms.CharField(
        required=False, max_length=16, error_messages={"max_length": _("不支持按该列排序")}
    )

    def clean_district(self):
        code = self.cleaned_data["district"].strip()
        if code and not District.objects.filter(code=code).exists():
            raise forms.ValidationError(_("请从列表中选择区县"))
        return code

    def clean_department(self):
        code = self.cleaned_data["department"].strip()
        if code and not Department.objects.filter(code=code).exists():
            raise forms.ValidationError(_("请从列表中选择主办部门"))
        return code

    def clean_sort(self):
        sort = self.cleaned_data["sort"].strip() or DEFAULT_SORT
        if sort.removeprefix("-") not in SORTS:
            raise forms.ValidationError(_("不支持按该列排序"))
        return sort

    def clean(self):
        data = super().clean()
        for key in ("created_from", "created_to"):
            day = data.get(key)
            if day and not EARLIEST <= day <= LATEST:
                self.add_error(key, _("日期须在 2000 年到 2100 年之间"))
                data.pop(key, None)
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and start > end:
            self.add_error("created_to", _("截止日期不能早于起始日期"))
        for key in ("q", "park", "enterprise"):
            if key in data:
                data[key] = " ".join(data[key].split())  # spaces of any width collapse to one
        return data


@dataclass
class Finding:
    form: SearchForm
    filters: dict = field(default_factory=dict)  # keyword arguments of selectors.search
    sort: str = DEFAULT_SORT
    query: str = ""  # the canonical query string of the valid filters (saved views, sort links)

    @property
    def valid(self) -> bool:
        return self.form.is_valid()


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def parse(params) -> Finding:
    """The search of a GET query; an invalid one has its form's errors and no filters."""
    form = SearchForm({k: params.get(k, "") for k in KEYS})
    if not form.is_valid():
        return Finding(form=form)
    d = form.cleaned_data
    filters = {
        "q": d["q"] or None,
        "status": d["status"] or None,
        "department": d["department"] or None,
        "overdue": OVERDUE.get(d["overdue"]),
        "enterprise": d["enterprise"] or None,
        "category": d["category"] or None,
        "channel": d["channel"] or None,
        "district": d["district"] or None,
        "park": d["park"] or None,
        "level": int(d["level"]) if d["level"] else None,
        "created_from": _start_of(d["created_from"]) if d["created_from"] else None,
        "created_to": _start_of(d["created_to"] + timedelta(days=1)) if d["created_to"] else None,
        "sort": d["sort"],
    }
    kept = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in d.items() if v}
    if kept.get("sort") == DEFAULT_SORT:
        del kept["sort"]
    query = urlencode([(k, kept[k]) for k in KEYS if k in kept])
    return Finding(form=form, filters=filters, sort=d["sort"], query=query)


def describe(finding: Finding) -> list[str]:
    """The filters in words, as the export's notes sheet shows them."""
    if not finding.valid:
        return []
    d = finding.form.cleaned_data
    words = []
    if d["q"]:
        words.append(f"关键词：{d['q']}")
    if d["created_from"] or d["created_to"]:
        words.append(f"提交日期：{d['created_from'] or '…'} 至 {d['created_to'] or '…'}")
    if d["district"]:
        words.append(f"区县：{District.objects.get(code=d['district']).name}")
    if d["park"]:
        words.append(f"园区或地点：{d['park']}")
    for key, choices, label in (
        ("status", Status.choices, "状态"),
        ("category", Category.choices, "类别"),
        ("channel", Channel.choices, "渠道"),
    ):
        if d[key]:
            words.append(f"{label}：{dict(choices)[d[key]]}")
    if d["department"]:
        words.append(f"主办部门：{Department.objects.get(code=d['department']).name}")
    if d["overdue"]:
        words.append("已超期" if d["overdue"] == "yes" else "未超期")
    if d["level"]:
        words.append(f"督办层级：{LEVEL_LABEL.get(int(d['level']), '未督办')}")
    if d["enterprise"]:
        words.append(f"企业：{d['enterprise']}")
    return words


def sort_links(finding: Finding) -> dict:
    """For each sortable column: the query string of a click on its header and its current direction."""
    base = [(k, v) for k, v in _pairs(finding.query) if k not in ("sort", "page")]
    out = {}
    for key in SORTS:
        if finding.sort == key:
            target, state = f"-{key}", "asc"
        elif finding.sort == f"-{key}":
            target, state = key, "desc"
        else:
            target, state = (f"-{key}" if key == "created" else key), ""
        out[key] = {"query": urlencode(base + [("sort", target)]), "state": state}
    return out


def _pairs(query: str) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl

    return parse_qsl(query, keep_blank_values=False)

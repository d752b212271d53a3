"""Open311 GeoReport v2 documents: the service catalogue, service requests, and their JSON/XML forms."""

import json
import re
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

from wuyou.appeals.deadlines import limits_for
from wuyou.appeals.models import Appeal, Category, Status, Urgency

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When the service list or definitions below change, bump this (GeoReport v2 discovery "changeset").
CHANGESET = "2026-11-27T00:00:00+08:00"
GROUP = "企业诉求"

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
MIME_FORMATS = ["application/json", "text/xml"]

# Our statuses that Open311 reports as "closed"; every other status (including 已答复, which still
# awaits the enterprise's rating and may be reopened) is "open".
CLOSED_STATUSES = frozenset({Status.CLOSED, Status.REJECTED, Status.WITHDRAWN, Status.MERGED})
OPEN311_STATUSES = ("open", "closed")

SERVICE_INFO = {
    Category.CONSULT: ("政策、办事流程、审批条件等方面的咨询。", "政策咨询,办事指南,审批,补贴,申报"),
    Category.HELP: ("生产经营中遇到困难，请求政府部门协调解决。", "用电,用水,用气,用地,融资,招工,物流,协调"),
    Category.COMPLAINT: (
        "对政府部门、公用事业单位办事效率、服务态度、涉企执法等的投诉。",
        "投诉,效率,态度,乱收费,执法,拖欠",
    ),
    Category.SUGGESTION: ("对优化营商环境、完善政策措施的意见建议。", "建议,意见,营商环境,政策"),
}

# Attribute codes of the service definition (the same for every service).
ATTR_USCC, ATTR_TITLE, ATTR_URGENCY = "uscc", "title", "urgency"

# XML element name for the members of each list-valued field.
XML_ITEM = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}

# ---------------------------------------------------------------- rendering

# Characters XML 1.0 cannot carry at all; user text is stripped of them rather than producing bad XML.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def w3c(dt) -> str | None:
    """A W3C datetime in Beijing time, e.g. 2026-11-27T09:30:00+08:00."""
    return timezone.localtime(dt).isoformat(timespec="seconds") if dt else None


def _scalar(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return XML_INVALID.sub("", str(value))


def _fill(element, value, tag: str):
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child, key)
    elif isinstance(value, list | tuple):
        item_tag = XML_ITEM.get(tag, "item")
        for child in value:
            _fill(ET.SubElement(element, item_tag), child, item_tag)
    else:
        element.text = _scalar(value)


def to_xml(root: str, data) -> bytes:
    element = ET.Element(root)
    _fill(element, data, root)
    body = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode()


def render(fmt: str, root: str, data, status: int = 200) -> HttpResponse:
    """A GeoReport document: JSON as is, XML under `root` (list members named from XML_ITEM)."""
    if fmt == "xml":
        body = to_xml(root, data)
    else:
        body = json.dumps(data, ensure_ascii=False).encode()
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def render_error(fmt: str, status: int, description: str) -> HttpResponse:
    return render(fmt, "errors", [{"code": status, "description": description}], status=status)


# ---------------------------------------------------------------- services


def reply_notice(category: str) -> str:
    days = limits_for(category).reply_workdays
    return f"{Category(category).label}类诉求由协调中心交办至责任部门，部门应在交办后{days}个工作日内答复。"


def services() -> list[dict]:
    return [
        {
            "service_code": category.value,
            "service_name": str(category.label),
            "description": SERVICE_INFO[category][0],
            "metadata": True,
            "type": "realtime",
            "keywords": SERVICE_INFO[category][1],
            "group": GROUP,
        }
        for category in Category
    ]


def service_definition(service_code: str) -> dict:
    return {
        "service_code": service_code,
        "attributes": [
            {
                "variable": True,
                "code": ATTR_USCC,
                "datatype": "string",
                "required": True,
                "datatype_description": "18位统一社会信用代码，企业须已在平台登记",
                "order": 1,
                "description": "企业统一社会信用代码",
            },
            {
                "variable": True,
                "code": ATTR_TITLE,
                "datatype": "string",
                "required": True,
                "datatype_description": "不超过120字",
                "order": 2,
                "description": "标题",
            },
            {
                "variable": True,
                "code": ATTR_URGENCY,
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": None,
                "order": 3,
                "description": "紧急程度（默认一般）",
                "values": [{"key": u.value, "name": str(u.label)} for u in Urgency],
            },
            {
                "variable": False,
                "code": "contact_notice",
                "datatype": "string",
                "required": False,
                "datatype_description": None,
                "order": 4,
                "description": "联系人姓名取自 last_name 与 first_name，phone（有效的中国大陆手机或固话）必填；"
                "description 填写诉求内容（必填）；须提供 lat 与 long 或 address_string。",
            },
        ],
    }


# ---------------------------------------------------------------- service requests


def open311_status(status: str) -> str:
    return "closed" if status in CLOSED_STATUSES else "open"


def status_notes(appeal: Appeal) -> str:
    label = str(Status(appeal.status).label)
    if appeal.status == Status.MERGED and appeal.merged_into_id:
        return f"{label}：并入诉求 {appeal.merged_into.number}"
    detail = ""
    if appeal.status in (Status.REPLIED, Status.REVIEWING, Status.CLOSED) and appeal.reply_content:
        detail = appeal.reply_content
    elif appeal.close_reason:
        detail = appeal.close_reason
    elif appeal.status in (Status.REJECTED, Status.WITHDRAWN):
        detail = getattr(appeal, "last_event_note", "") or ""
    return f"{label}：{detail}" if detail else label


def service_request(appeal: Appeal, notices: dict[str, str]) -> dict:
    """One appeal as a GeoReport v2 service request. `appeal` comes from views.request_queryset."""
    updated = getattr(appeal, "last_event_at", None) or appeal.created_at
    return {
        "service_request_id": appeal.number,
        "status": open311_status(appeal.status),
        "status_notes": status_notes(appeal),
        "service_name": str(Category(appeal.category).label),
        "service_code": appeal.category,
        "description": appeal.content,
        "agency_responsible": appeal.department.name if appeal.department_id else None,
        "service_notice": notices.get(appeal.category),
        "requested_datetime": w3c(appeal.created_at),
        "updated_datetime": w3c(updated),
        "expected_datetime": w3c(appeal.reply_due_at),
        "address": appeal.location or None,
        "address_id": None,
        "zipcode": None,
        "lat": appeal.lat,
        "long": appeal.lon,
        "media_url": None,
    }


def service_requests(appeals) -> list[dict]:
    notices: dict[str, str] = {}
    out = []
    for appeal in appeals:
        if appeal.category not in notices:
            notices[appeal.category] = reply_notice(appeal.category)
        out.append(service_request(appeal, notices))
    return out

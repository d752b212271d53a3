"""Open311 GeoReport v2: every endpoint in both formats, checked against the spec's field lists."""

import itertools
import json
import re
from datetime import UTC, timedelta
from xml.etree import ElementTree as ET

import pytest
from django.test import Client
from django.utils import timezone
from stdnum.cn import uscc as stdnum_uscc

from wuyou.appeals.models import Appeal, Channel, Status
from wuyou.appeals.services import appeal_dispatch, appeal_reject, appeal_submit
from wuyou.open311.models import Open311Key, hash_key
from wuyou.orgs.models import Department, District, Enterprise, User

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"

# Field lists from the GeoReport v2 specification (http://wiki.open311.org/GeoReport_v2).
DISCOVERY_FIELDS = {"changeset", "contact", "key_service", "endpoints"}
ENDPOINT_FIELDS = {"specification", "url", "changeset", "type", "formats"}
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
DEFINITION_FIELDS = {"service_code", "attributes"}
ATTRIBUTE_FIELDS = {
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
}
VALUE_FIELDS = {"key", "name"}
POST_RESPONSE_FIELDS = {"service_request_id", "service_notice", "account_id"}
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
TOKEN_FIELDS = {"service_request_id", "token"}
ERROR_FIELDS = {"code", "description"}


_serial = itertools.count(10001)


def make_uscc() -> str:
    first17 = "91430211MA4L" + f"{next(_serial):05d}"
    return first17 + stdnum_uscc.calc_check_digit(first17)


def make_enterprise(name="株洲测试制造有限公司") -> Enterprise:
    district = District.objects.get(code="430211")
    return Enterprise.objects.create(uscc=make_uscc(), name=name, district=district, industry="C")


@pytest.fixture
def ybhj():
    return Department.objects.get(code="ybhj")


@pytest.fixture
def center(ybhj):
    return User.objects.create_user(username="center1", password="pw-123456!", role="center", department=ybhj)


@pytest.fixture
def enterprise():
    return make_enterprise()


@pytest.fixture
def other_enterprise():
    return make_enterprise("株洲另一家有限公司")


@pytest.fixture
def center_key(center):
    return Open311Key.issue(name="12345 热线对接", user=center)[1]


def submit(center, enterprise, **overrides) -> Appeal:
    fields = dict(
        by=center,
        enterprise_uscc=enterprise.uscc,
        channel=Channel.HOTLINE,
        category="help",
        title="厂区停电",
        content="厂区频繁停电，影响生产",
        contact_name="张三",
        contact_phone="13800138000",
        location="天元区栗雨工业园",
    )
    fields.update(overrides)
    return appeal_submit(**fields)


def post_data(key, enterprise, **overrides):
    data = {
        "api_key": key,
        "service_code": "help",
        "attribute[uscc]": enterprise.uscc,
        "attribute[title]": "用电报装迟迟未办",
        "attribute[urgency]": "urgent",
        "description": "新厂房用电报装申请已提交两个月，仍未接电。",
        "first_name": "四",
        "last_name": "李",
        "phone": "13912345678",
        "email": "lisi@example.com",
        "lat": "27.8274",
        "long": "113.1340",
        "address_string": "株洲市天元区黄河南路",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def get_json(client, path, expect=200, **params):
    response = client.get(BASE + path, params)
    assert response.status_code == expect, response.content.decode()
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def get_xml(client, path, expect=200, **params):
    response = client.get(BASE + path, params)
    assert response.status_code == expect, response.content.decode()
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def children(element) -> set[str]:
    return {child.tag for child in element}


def assert_json_error(response, status):
    assert response.status_code == status, response.content.decode()
    body = response.json()
    assert isinstance(body, list) and len(body) == 1
    assert ERROR_FIELDS <= set(body[0])
    assert body[0]["code"] == status
    assert body[0]["description"]
    return body[0]["description"]


def assert_xml_error(response, status):
    assert response.status_code == status, response.content.decode()
    root = ET.fromstring(response.content)
    assert root.tag == "errors"
    error = root.find("error")
    assert ERROR_FIELDS <= children(error)
    assert error.findtext("code") == str(status)
    return error.findtext("description")


# ---------------------------------------------------------------- discovery and services


def test_discovery_json(client):
    body = get_json(client, "discovery.json")
    assert DISCOVERY_FIELDS <= set(body)
    [endpoint] = body["endpoints"]
    assert ENDPOINT_FIELDS <= set(endpoint)
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["type"] == "production"
    assert set(endpoint["formats"]) == {"application/json", "text/xml"}


def test_discovery_xml(client):
    root = get_xml(client, "discovery.xml")
    assert root.tag == "discovery"
    assert DISCOVERY_FIELDS <= children(root)
    endpoint = root.find("endpoints/endpoint")
    assert ENDPOINT_FIELDS <= children(endpoint)
    assert endpoint.findtext("url") == "http://testserver/open311/v2/"
    assert {f.text for f in endpoint.findall("formats/format")} == {"application/json", "text/xml"}


def test_services_json(client):
    body = get_json(client, "services.json")
    assert [s["service_code"] for s in body] == ["consult", "help", "complaint", "suggestion"]
    for service in body:
        assert SERVICE_FIELDS <= set(service)
        assert (
            service["type"] == "realtime" and service["metadata"] is True and service["group"] == "企业诉求"
        )
        assert service["keywords"]
    assert {s["service_name"] for s in body} == {"咨询", "求助", "投诉", "建议"}


def test_services_xml(client):
    root = get_xml(client, "services.xml")
    assert root.tag == "services"
    services = root.findall("service")
    assert len(services) == 4
    for service in services:
        assert SERVICE_FIELDS <= children(service)
        assert service.findtext("metadata") == "true"
        assert service.findtext("type") == "realtime"
    assert services[2].findtext("service_name") == "投诉"


def test_service_definition_json(client):
    body = get_json(client, "services/complaint.json")
    assert DEFINITION_FIELDS <= set(body)
    assert body["service_code"] == "complaint"
    attrs = {a["code"]: a for a in body["attributes"]}
    for attr in attrs.values():
        assert ATTRIBUTE_FIELDS <= set(attr)
    assert attrs["uscc"]["required"] is True and attrs["uscc"]["datatype"] == "string"
    assert attrs["title"]["required"] is True
    assert attrs["urgency"]["required"] is False and attrs["urgency"]["datatype"] == "singlevaluelist"
    assert [v["key"] for v in attrs["urgency"]["values"]] == ["normal", "urgent"]
    for value in attrs["urgency"]["values"]:
        assert VALUE_FIELDS <= set(value)
    assert [a["order"] for a in body["attributes"]] == sorted(a["order"] for a in body["attributes"])


def test_service_definition_xml(client):
    root = get_xml(client, "services/help.xml")
    assert root.tag == "service_definition"
    assert DEFINITION_FIELDS <= children(root)
    attributes = root.findall("attributes/attribute")
    assert len(attributes) >= 3
    for attr in attributes:
        assert ATTRIBUTE_FIELDS <= children(attr)
    urgency = next(a for a in attributes if a.findtext("code") == "urgency")
    assert [v.findtext("key") for v in urgency.findall("values/value")] == ["normal", "urgent"]
    uscc = next(a for a in attributes if a.findtext("code") == "uscc")
    assert uscc.findtext("required") == "true"


def test_unknown_service_code_404(client):
    assert "服务代码不存在" in assert_json_error(client.get(BASE + "services/pothole.json"), 404)
    assert assert_xml_error(client.get(BASE + "services/pothole.xml"), 404)


def test_unknown_format_404(client, center_key):
    assert_json_error(client.get(BASE + "services.csv"), 404)
    assert_json_error(client.get(BASE + "discovery.html"), 404)
    assert_json_error(client.get(BASE + "requests.yaml", {"api_key": center_key}), 404)


def test_wrong_method_405(client):
    assert_json_error(client.post(BASE + "services.json"), 405)


# ---------------------------------------------------------------- POST requests


def test_post_creates_appeal_json(center, center_key, enterprise):
    client = Client(enforce_csrf_checks=True)  # API-key auth: no CSRF token needed
    response = client.post(BASE + "requests.json", post_data(center_key, enterprise))
    assert response.status_code == 201, response.content.decode()
    [body] = response.json()
    assert POST_RESPONSE_FIELDS <= set(body)
    assert body["account_id"] is None
    appeal = Appeal.objects.get(number=body["service_request_id"])
    assert appeal.channel == Channel.OPEN311
    assert appeal.enterprise == enterprise
    assert appeal.created_by == center
    assert appeal.category == "help"
    assert appeal.urgency == "urgent"
    assert appeal.title == "用电报装迟迟未办"
    assert appeal.content.startswith("新厂房用电报装")
    assert appeal.contact_name == "李四"
    assert appeal.contact_phone == "13912345678"
    assert appeal.location == "株洲市天元区黄河南路"
    assert appeal.lat == pytest.approx(27.8274) and appeal.lon == pytest.approx(113.134)
    assert appeal.status == Status.SUBMITTED
    assert appeal.number in body["service_notice"]


def test_post_xml_response(client, center_key, enterprise):
    response = client.post(
        BASE + "requests.xml", post_data(center_key, enterprise, **{"attribute[urgency]": None})
    )
    assert response.status_code == 201, response.content.decode()
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert POST_RESPONSE_FIELDS <= children(request)
    appeal = Appeal.objects.get(number=request.findtext("service_request_id"))
    assert appeal.channel == Channel.OPEN311 and appeal.urgency == "normal"


def test_post_with_header_key_and_only_address(client, center_key, enterprise):
    data = post_data(None, enterprise, lat=None, long=None, first_name="Wang", last_name="Wu")
    response = client.post(BASE + "requests.json", data, HTTP_X_API_KEY=center_key)
    assert response.status_code == 201, response.content.decode()
    appeal = Appeal.objects.get(number=response.json()[0]["service_request_id"])
    assert appeal.lat is None and appeal.contact_name == "Wang Wu"


def test_cadre_key_can_post(client, enterprise):
    cadre = User.objects.create_user(username="cadre1", password="pw-123456!", role="cadre")
    _, raw = Open311Key.issue(name="干部", user=cadre)
    response = client.post(BASE + "requests.json", post_data(raw, enterprise))
    assert response.status_code == 201, response.content.decode()
    assert Appeal.objects.get().created_by == cadre


def test_bad_api_key_403(client, center_key, enterprise):
    assert "api_key" in assert_json_error(
        client.post(BASE + "requests.json", post_data("o311_wrong", enterprise)), 403
    )
    assert assert_xml_error(
        client.post(BASE + "requests.xml", post_data(None, enterprise, api_key=None)), 403
    )
    assert_json_error(client.get(BASE + "requests.json", {"api_key": "nope"}), 403)
    assert_json_error(client.get(BASE + "requests.json"), 403)
    assert not Appeal.objects.exists()


def test_inactive_key_or_user_403(client, center, center_key, enterprise):
    Open311Key.objects.update(is_active=False)
    assert_json_error(client.post(BASE + "requests.json", post_data(center_key, enterprise)), 403)
    Open311Key.objects.update(is_active=True)
    center.is_active = False
    center.save()
    assert_json_error(client.post(BASE + "requests.json", post_data(center_key, enterprise)), 403)
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    "missing", ["attribute[uscc]", "attribute[title]", "description", "phone", "service_code"]
)
def test_missing_required_400(client, center_key, enterprise, missing):
    description = assert_json_error(
        client.post(BASE + "requests.json", post_data(center_key, enterprise, **{missing: None})), 400
    )
    assert missing in description
    assert not Appeal.objects.exists()


def test_missing_attribute_xml_400(client, center_key, enterprise):
    response = client.post(
        BASE + "requests.xml", post_data(center_key, enterprise, **{"attribute[title]": ""})
    )
    assert "attribute[title]" in assert_xml_error(response, 400)


def test_missing_location_400(client, center_key, enterprise):
    data = post_data(center_key, enterprise, lat=None, long=None, address_string=None)
    assert "lat" in assert_json_error(client.post(BASE + "requests.json", data), 400)
    data = post_data(center_key, enterprise, long=None)
    assert_json_error(client.post(BASE + "requests.json", data), 400)
    data = post_data(center_key, enterprise, lat="north")
    assert_json_error(client.post(BASE + "requests.json", data), 400)


def test_invalid_phone_400(client, center_key, enterprise):
    description = assert_json_error(
        client.post(BASE + "requests.json", post_data(center_key, enterprise, phone="12345")), 400
    )
    assert "联系电话" in description
    assert not Appeal.objects.exists()


def test_unknown_enterprise_and_bad_values_400(client, center_key, enterprise):
    unregistered = make_uscc()
    response = client.post(
        BASE + "requests.json", post_data(center_key, enterprise, **{"attribute[uscc]": unregistered})
    )
    assert "企业未登记" in assert_json_error(response, 400)
    bad_check = enterprise.uscc[:17] + ("0" if enterprise.uscc[17] != "0" else "1")
    response = client.post(
        BASE + "requests.json", post_data(center_key, enterprise, **{"attribute[uscc]": bad_check})
    )
    assert "校验位" in assert_json_error(response, 400)
    response = client.post(
        BASE + "requests.json", post_data(center_key, enterprise, **{"attribute[urgency]": "asap"})
    )
    assert "紧急程度" in assert_json_error(response, 400)
    response = client.post(BASE + "requests.json", post_data(center_key, enterprise, service_code="pothole"))
    assert_json_error(response, 400)
    assert not Appeal.objects.exists()


def test_enterprise_and_department_keys_cannot_post(client, enterprise):
    ent_user = User.objects.create_user(
        username="ent1", password="pw-123456!", role="enterprise", enterprise=enterprise
    )
    dept_user = User.objects.create_user(
        username="dept1",
        password="pw-123456!",
        role="dept_handler",
        department=Department.objects.get(code="gdgs"),
    )
    for user in (ent_user, dept_user):
        _, raw = Open311Key.issue(name=user.username, user=user)
        assert_json_error(client.post(BASE + "requests.json", post_data(raw, enterprise)), 403)
    assert not Appeal.objects.exists()


# ---------------------------------------------------------------- GET requests


def test_get_requests_json_fields(client, center, center_key, enterprise):
    appeal = submit(center, enterprise)
    body = get_json(client, "requests.json", api_key=center_key)
    [item] = body
    assert REQUEST_FIELDS <= set(item)
    assert item["service_request_id"] == appeal.number
    assert item["status"] == "open"
    assert item["service_code"] == "help" and item["service_name"] == "求助"
    assert item["description"] == appeal.content
    assert item["address"] == "天元区栗雨工业园"
    assert item["agency_responsible"] is None and item["expected_datetime"] is None
    assert item["requested_datetime"].endswith("+08:00")
    assert item["updated_datetime"].endswith("+08:00")
    assert item["status_notes"] == "待交办"


def test_get_requests_xml_fields(client, center, center_key, enterprise):
    submit(center, enterprise)
    submit(center, enterprise, category="consult")
    root = get_xml(client, "requests.xml", api_key=center_key)
    assert root.tag == "service_requests"
    requests = root.findall("request")
    assert len(requests) == 2
    for request in requests:
        assert REQUEST_FIELDS <= children(request)
        assert request.findtext("status") == "open"


def test_dispatch_shows_agency_and_expected_datetime(client, center, center_key, enterprise):
    appeal = submit(center, enterprise)
    appeal_dispatch(appeal_id=appeal.pk, by=center, department="gdgs")
    appeal.refresh_from_db()
    [item] = get_json(client, f"requests/{appeal.number}.json", api_key=center_key)
    assert REQUEST_FIELDS <= set(item)
    assert item["status"] == "open"
    assert item["agency_responsible"] == "国网株洲供电公司"
    assert item["expected_datetime"] == timezone.localtime(appeal.reply_due_at).isoformat(timespec="seconds")
    assert item["expected_datetime"].endswith("+08:00")
    assert item["updated_datetime"] >= item["requested_datetime"]
    assert item["status_notes"] == "待签收"
    request = get_xml(client, f"requests/{appeal.pk}.xml", api_key=center_key).find("request")
    assert REQUEST_FIELDS <= children(request)
    assert request.findtext("agency_responsible") == "国网株洲供电公司"
    assert request.findtext("expected_datetime") == item["expected_datetime"]


def test_rejected_is_closed(client, center, center_key, enterprise):
    appeal = submit(center, enterprise)
    appeal_reject(appeal_id=appeal.pk, by=center, reason="不属于受理范围")
    [item] = get_json(client, f"requests/{appeal.number}.json", api_key=center_key)
    assert item["status"] == "closed"
    assert item["status_notes"] == "不予受理：不属于受理范围"
    assert get_json(client, "requests.json", api_key=center_key, status="open") == []
    assert len(get_json(client, "requests.json", api_key=center_key, status="closed")) == 1
    assert len(get_json(client, "requests.json", api_key=center_key, status="open,closed")) == 1


def test_enterprise_key_sees_only_own(client, center, enterprise, other_enterprise):
    own = submit(center, enterprise)
    other = submit(center, other_enterprise)
    ent_user = User.objects.create_user(
        username="ent1", password="pw-123456!", role="enterprise", enterprise=enterprise
    )
    _, raw = Open311Key.issue(name="企业自用", user=ent_user)
    assert [r["service_request_id"] for r in get_json(client, "requests.json", api_key=raw)] == [own.number]
    ids = f"{own.number},{other.number}"
    assert [
        r["service_request_id"]
        for r in get_json(client, "requests.json", api_key=raw, service_request_id=ids)
    ] == [own.number]
    assert_json_error(client.get(BASE + f"requests/{other.number}.json", {"api_key": raw}), 404)
    assert_xml_error(client.get(BASE + f"requests/{other.pk}.xml", {"api_key": raw}), 404)
    assert_json_error(client.get(BASE + f"tokens/{other.number}.json", {"api_key": raw}), 404)


def test_get_filters(client, center, center_key, enterprise):
    now = timezone.now()
    old = submit(center, enterprise, now=now - timedelta(days=120))
    recent = submit(center, enterprise, category="complaint", now=now - timedelta(days=2))
    latest = submit(center, enterprise)

    def numbers(**params):
        return [
            r["service_request_id"] for r in get_json(client, "requests.json", api_key=center_key, **params)
        ]

    assert numbers() == [latest.number, recent.number]  # default: last 90 days, newest first
    assert numbers(service_code="complaint") == [recent.number]
    assert numbers(service_code="complaint,help") == [latest.number, recent.number]
    start = timezone.localtime(now - timedelta(days=130)).isoformat(timespec="seconds")
    end = timezone.localtime(now - timedelta(days=60)).isoformat(timespec="seconds")
    assert numbers(start_date=start, end_date=end) == [old.number]
    assert numbers(start_date=start) == [old.number]  # range defaults to 90 days after start_date
    utc_start = (now - timedelta(days=3)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert numbers(start_date=utc_start) == [latest.number, recent.number]
    # service_request_id ignores the other filters, and takes numbers or numeric ids
    assert numbers(service_request_id=f"{old.number},{recent.pk}", service_code="help") == [
        recent.number,
        old.number,
    ]


def test_get_filter_errors(client, center_key):
    for params in (
        {"start_date": "yesterday"},
        {"end_date": "2026-13-45T00:00:00+08:00"},
        {"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-06-01T00:00:00+08:00"},
        {"start_date": "2026-06-01T00:00:00+08:00", "end_date": "2026-01-01T00:00:00+08:00"},
        {"status": "pending"},
        {"service_code": "pothole"},
    ):
        assert_json_error(client.get(BASE + "requests.json", {"api_key": center_key, **params}), 400)
    assert_xml_error(client.get(BASE + "requests.xml", {"api_key": center_key, "status": "pending"}), 400)


def test_unencoded_offset_and_odd_ids(client, center, center_key, enterprise):
    appeal = submit(center, enterprise)
    start = timezone.localtime(timezone.now() - timedelta(days=1)).isoformat(timespec="seconds")
    # a client that forgot to URL-encode "+08:00" sends " 08:00"
    response = client.get(BASE + f"requests.json?api_key={center_key}&start_date={start}")
    assert response.status_code == 200, response.content.decode()
    assert [r["service_request_id"] for r in response.json()] == [appeal.number]
    for odd in ("9" * 30, "²", f"{appeal.pk},{'9' * 30}"):
        body = get_json(client, "requests.json", api_key=center_key, service_request_id=odd)
        assert [r["service_request_id"] for r in body] == ([appeal.number] if "," in odd else [])


def test_xml_strips_control_characters(client, center, center_key, enterprise):
    # Intake now refuses control characters (core.inputs.clean_text); rows written before that, or by
    # imports, may still hold them, and the XML must stay well-formed.
    appeal = submit(center, enterprise)
    Appeal.objects.filter(pk=appeal.pk).update(content="内容\x0b含控制字符\x01")
    request = get_xml(client, "requests.xml", api_key=center_key).find("request")
    assert request.findtext("description") == "内容含控制字符"


def test_request_not_found(client, center_key):
    assert_json_error(client.get(BASE + "requests/ZZ20000101-0001.json", {"api_key": center_key}), 404)
    assert_json_error(client.get(BASE + "requests/ZZ20000101-0001.json"), 403)


def test_tokens(client, center, center_key, enterprise):
    appeal = submit(center, enterprise)
    [body] = get_json(client, f"tokens/{appeal.number}.json", api_key=center_key)
    assert TOKEN_FIELDS <= set(body)
    assert body == {"service_request_id": appeal.number, "token": appeal.number}
    request = get_xml(client, f"tokens/{appeal.number}.xml", api_key=center_key).find("request")
    assert TOKEN_FIELDS <= children(request)
    assert request.findtext("service_request_id") == appeal.number


def test_json_and_xml_agree(client, center, center_key, enterprise):
    appeal = submit(center, enterprise)
    appeal_dispatch(appeal_id=appeal.pk, by=center, department="gdgs")
    [item] = get_json(client, "requests.json", api_key=center_key)
    request = get_xml(client, "requests.xml", api_key=center_key).find("request")
    for field in REQUEST_FIELDS:
        value = item[field]
        expected = "" if value is None else str(value)
        assert request.findtext(field) == expected, field


def test_key_last_used_is_recorded(client, center_key):
    key = Open311Key.objects.get()
    assert key.last_used_at is None
    get_json(client, "requests.json", api_key=center_key)
    key.refresh_from_db()
    assert key.last_used_at is not None


# ---------------------------------------------------------------- admin


def shown_key(response) -> str:
    shown = [str(msg) for msg in response.context["messages"] if "仅显示这一次" in str(msg)]
    [raw] = [m for msg in shown for m in re.findall(r"o311_[A-Za-z0-9_-]+", msg)]
    return raw


def test_admin_creates_key_shown_once(client, center):
    admin_user = User.objects.create_superuser(username="root", password="pw-123456!", role="admin")
    client.force_login(admin_user)
    response = client.post(
        "/admin/open311/open311key/add/",
        {"name": "热线对接", "user": center.pk, "is_active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    key = Open311Key.objects.get()
    raw = shown_key(response)
    assert key.key_hash == hash_key(raw) and raw.startswith(key.key_prefix)
    assert raw not in json.dumps(list(Open311Key.objects.values()), default=str)
    assert Open311Key.authenticate(raw) == key

    response = client.post(
        "/admin/open311/open311key/",
        {"action": "regenerate_keys", "_selected_action": [key.pk]},
        follow=True,
    )
    new_raw = shown_key(response)
    assert new_raw != raw
    assert Open311Key.authenticate(raw) is None
    assert Open311Key.authenticate(new_raw) == key


def test_admin_warns_for_read_only_key(client, enterprise):
    admin_user = User.objects.create_superuser(username="root", password="pw-123456!", role="admin")
    ent_user = User.objects.create_user(
        username="ent1", password="pw-123456!", role="enterprise", enterprise=enterprise
    )
    client.force_login(admin_user)
    response = client.post(
        "/admin/open311/open311key/add/",
        {"name": "企业只读", "user": ent_user.pk, "is_active": "on"},
        follow=True,
    )
    assert any("只能查询" in str(m) for m in response.context["messages"])

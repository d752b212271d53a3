"""One JSON path for every body: deep, huge, NaN, lone surrogates and NUL answer 400 with a stable code."""

import json

import pytest
from django.test import Client

from wuyou.core import jsonbody
from wuyou.core.errors import InvalidInput
from wuyou.testing import submit

DEEP = b"[" * 50_000 + b"]" * 50_000


def code_of(raw, **kw):
    with pytest.raises(InvalidInput) as exc:
        jsonbody.loads(raw, **kw)
    return exc.value.code


def test_depth_is_counted_without_recursion_and_outside_strings():
    assert code_of(DEEP) == "json_too_deep"
    assert code_of(b'{"a":' * 40 + b"1" + b"}" * 40) == "json_too_deep"
    # Brackets inside texts (escaped quotes included) are not nesting.
    assert jsonbody.loads(b'{"t": "[[[[\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}')["t"].startswith(
        "[[[["
    )
    assert jsonbody.loads(b"[" * 32 + b"]" * 32) is not None


@pytest.mark.parametrize(
    "raw,code",
    [
        (b'"\\ud800"', "invalid_text"),  # a lone high surrogate
        (b'{"\\udfff": 1}', "invalid_text"),  # in a key
        (b'{"a": ["x", {"b": "\\u0000"}]}', "invalid_text"),  # NUL, nested
        (b"NaN", "invalid_json"),
        (b'{"cost": Infinity}', "invalid_json"),
        (b"\xff\xfe", "invalid_json"),  # not UTF-8
        (b'{"a": 1', "invalid_json"),
        (b"1" * 5000, "invalid_json"),  # beyond Python's int digits limit
    ],
)
def test_refusals(raw, code):
    assert code_of(raw) == code


def test_valid_pairs_and_limits(settings):
    assert jsonbody.loads(b'"\\ud83d\\ude00"') == "\U0001f600"  # a proper pair is one character
    settings.JSON_MAX_BYTES = 100
    with pytest.raises(jsonbody.BodyTooLarge) as exc:
        jsonbody.loads(b'"' + b"x" * 200 + b'"')
    assert exc.value.status == 413 and exc.value.code == "json_too_large"


def post(client, path, body: bytes):
    return client.post(path, body, content_type="application/json")


@pytest.mark.django_db
def test_lone_surrogate_before_login_is_400_not_500():
    r = post(Client(), "/api/v1/auth/token", b'{"username": "\\ud800", "password": "x"}')
    assert r.status_code == 400 and r.json()["code"] == "invalid_text"


@pytest.mark.django_db
def test_api_bodies_refuse_deep_and_surrogates_with_codes(p):
    a = submit(p)
    center = p.api(p.center)
    # The hand-written action body parsers (appeals, negative-list reports) and ninja's own body parsing.
    assert post(center, f"/api/v1/appeals/{a.pk}/dispatch", DEEP).json()["code"] == "json_too_deep"
    r = post(center, f"/api/v1/appeals/{a.pk}/dispatch", b'{"department": "\\ud800"}')
    assert (r.status_code, r.json()["code"]) == (400, "invalid_text")
    r = post(p.api(p.ent_user), "/api/v1/appeals", DEEP)
    assert (r.status_code, r.json()["code"]) == (400, "json_too_deep")
    body = {"title": "停电\ud800", "content": "园区停电三次，请尽快处理。", "category": "help"}
    body.update(contact_name="张经理", contact_phone="13812341234")
    r = post(p.api(p.ent_user), "/api/v1/appeals", json.dumps(body).encode())
    assert (r.status_code, r.json()["code"]) == (400, "invalid_text")
    r = p.api(p.center).get("/api/v1/appeals", {"q": "a\x00b"})
    assert (r.status_code, r.json()["code"]) == (400, "invalid_text")
    # Nothing was written: the appeal is still new, and the enterprise has one appeal.
    assert p.api(p.center).get(f"/api/v1/appeals/{a.pk}").json()["status"] == "submitted"
    assert p.api(p.ent_user).get("/api/v1/appeals").json()["count"] == 1

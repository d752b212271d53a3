"""The kernel's validators refuse what cannot be stored or shown: controls, NUL, lone surrogates, NaN,
out-of-range decimals, unbounded page numbers and ids; page forms answer with a Chinese form error."""

from decimal import Decimal

import pytest
from django import forms
from django.contrib.auth.models import Permission

from wuyou.core.errors import InvalidInput, NotFound
from wuyou.core.formfields import FiniteDecimalField, SafeTextForm
from wuyou.core.inputs import Input, clean_text
from wuyou.core.paging import MAX_PAGE, object_id, page_number
from wuyou.testing import make_user

HUGE = "99999999999999999999"


@pytest.mark.parametrize("bad", ["a\x00b", "\ud800", "前\udfff", "\x1b[2J", "\x07", "x\x7f"])
def test_clean_text_refuses_controls_nul_and_lone_surrogates(bad):
    with pytest.raises(InvalidInput) as exc:
        clean_text(bad, "标题", 100, field="title")
    assert exc.value.code == "invalid_title" and "控制字符" in exc.value.message


def test_clean_text_keeps_multiline_text_and_emoji():
    assert clean_text("第一行\r\n\t第二行 😀", "内容", 100) == "第一行\r\n\t第二行 😀"


def test_list_input_items_are_checked_too():
    with pytest.raises(InvalidInput):
        Input("items", "条目", kind="list").clean(["C1-01", "C1\x00"])


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-inf", "sNaN", "1e999999", "-1", "1e12", True])
def test_decimal_input_refuses_nan_infinity_and_out_of_range(raw):
    cost = Input("cost_saved_yuan", "降本金额", kind="decimal", code="invalid_cost", low=0, high=10**12)
    with pytest.raises(InvalidInput) as exc:
        cost.clean(raw)
    assert exc.value.code == "invalid_cost"
    assert cost.clean("1234.5") == Decimal("1234.50")


def test_page_number_is_bounded():
    assert page_number(HUGE) == MAX_PAGE  # pages: the last page allowed
    assert page_number("abc") == 1 and page_number(None) == 1 and page_number("-3") == 1
    assert page_number("7") == 7 and page_number("9" * 100_000) == MAX_PAGE
    for bad in (HUGE, "0", "abc", 2.5):
        with pytest.raises(InvalidInput) as exc:
            page_number(bad, strict=True)  # the API: 400 invalid_page
        assert exc.value.code == "invalid_page"


def test_object_id_beyond_bigint_is_not_found():
    assert object_id("42") == 42
    for bad in (HUGE, "0", "-1", "1e3", "٣", "", None, True):
        with pytest.raises(NotFound):
            object_id(bad)


class Sample(SafeTextForm):
    title = forms.CharField(max_length=50)
    content = forms.CharField(widget=forms.Textarea)
    cost = FiniteDecimalField(required=False)


@pytest.mark.parametrize(
    "data,field",
    [
        ({"title": "停电\r\nBcc: x@example.com", "content": "正文"}, "title"),
        ({"title": "停电", "content": "正文\x1b"}, "content"),
        ({"title": "停电", "content": "正文", "cost": "NaN"}, "cost"),
        ({"title": "停电", "content": "正文", "cost": "Infinity"}, "cost"),
    ],
)
def test_page_forms_answer_with_a_chinese_error(data, field):
    form = Sample(data)
    assert not form.is_valid() and field in form.errors
    assert any("\u4e00" <= ch <= "\u9fff" for ch in form.errors[field][0])


def test_page_form_accepts_multiline_content():
    form = Sample({"title": "停电", "content": "第一行\r\n第二行", "cost": "12.5"})
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_report_list_page_beyond_range_is_400_not_500(p):
    inv = make_user("inv-h4", "center", department="ybhj")
    inv.user_permissions.add(Permission.objects.get(codename="investigate_report"))
    r = p.api(inv).get("/api/v1/reports", {"page": HUGE})
    assert (r.status_code, r.json()["code"]) == (400, "invalid_page")
    assert p.api(inv).get("/api/v1/reports", {"page": "1"}).status_code == 200

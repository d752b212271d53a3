"""The Excel kernel: header mapping, every bad row at once, the row cap, cell parsers, templates."""

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from wuyou.core import excel
from wuyou.core.errors import InvalidInput

SHEET = excel.Sheet(
    "人员",
    [
        excel.Column("code", "编号", required=True, unique=True, example="P-001"),
        excel.Column("name", "姓名", required=True, example="张三（示例）"),
        excel.Column("age", "年龄", parse=excel.integer, example=30),
        excel.Column("born", "出生日期", parse=excel.parse_date, example="1990-01-01"),
        excel.Column("kind", "类型", choices=[("staff", "职员"), ("guest", "访客")], example="staff"),
    ],
    max_rows=10,
)


def xlsx(rows, header=("编号", "姓名", "年龄", "出生日期", "类型")) -> bytes:
    wb = Workbook()
    ws = wb.active
    if header:
        ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_reads_by_header_in_any_order_ignoring_extra_columns_and_blank_rows():
    data = xlsx(
        [
            ["访客", 41, "备注", "A2", "李四"],
            [None, None, None, None, None],
            ["staff", "7", "", "A3", "王五"],
        ],
        header=("类型", "年龄", "别的列", "编号", "姓名"),
    )
    rows = excel.read(data, SHEET)
    assert [(r[excel.ROW], r["code"], r["name"], r["age"], r["kind"]) for r in rows] == [
        (2, "A2", "李四", 41, "guest"),
        (4, "A3", "王五", 7, "staff"),
    ]
    assert rows[0]["born"] is None


def test_every_bad_row_is_reported_with_its_number_and_reason():
    data = xlsx(
        [
            ["A1", "好", 1, "2026-01-01", "职员"],
            ["", "缺编号", 1, None, None],
            ["A3", "坏年龄", "三十", None, None],
            ["A4", "坏日期", None, "2026-02-30", "外星人"],
            ["A1", "重复", None, None, None],
        ]
    )
    with pytest.raises(excel.ExcelErrors) as info:
        excel.read(data, SHEET)
    errors = {e.row: e.message for e in info.value.errors}
    assert set(errors) == {3, 4, 5, 6}
    assert "编号不能为空" in errors[3]
    assert "年龄" in errors[4] and "三十" in errors[4]
    assert "出生日期" in errors[5] and "无法识别" in errors[5] and "类型" in errors[5]
    assert "与第 2 行重复" in errors[6]
    assert isinstance(info.value, InvalidInput) and info.value.status == 400
    assert "共 4 处错误" in info.value.message and "第 3 行" in info.value.message


def test_missing_required_header_is_one_clear_error():
    with pytest.raises(excel.ExcelErrors) as info:
        excel.read(xlsx([["x"]], header=("编号", "年龄")), SHEET)
    assert info.value.code == "bad_header"
    assert info.value.message.startswith("表头缺少列：姓名")
    assert [e.row for e in info.value.errors] == [1]


def test_file_over_the_cap_is_refused():
    rows = [[f"A{i}", "名", None, None, None] for i in range(11)]
    with pytest.raises(excel.ExcelErrors) as info:
        excel.read(xlsx(rows), SHEET)
    assert info.value.code == "too_many_rows" and "10 行" in info.value.message
    assert len(excel.read(xlsx(rows[:10]), SHEET)) == 10


def test_non_excel_and_old_xls_and_corrupt_files_are_refused_in_chinese():
    for data, word in (
        (b"just text", "xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
        (b"PK\x03\x04broken", "损坏"),
    ):
        with pytest.raises(excel.ExcelErrors) as info:
            excel.read(data, SHEET)
        assert info.value.code == "bad_file" and word in info.value.message


def test_empty_file_is_an_error():
    with pytest.raises(excel.ExcelErrors) as info:
        excel.read(xlsx([]), SHEET)
    assert info.value.code == "empty_file"


@pytest.mark.parametrize(
    "value",
    [
        "2026-01-05",
        "2026/1/5",
        "2026.1.5",
        "2026年1月5日",
        "20260105",
        46027,
        46027.0,
        datetime(2026, 1, 5, 0, 0),
        date(2026, 1, 5),
    ],
)
def test_dates_in_every_usual_spelling(value):
    assert excel.parse_date(value) == date(2026, 1, 5)


def test_bad_dates_and_integers_raise_value_errors():
    for bad in ("2026-13-01", "明天", "2026年2月30日"):
        with pytest.raises(ValueError, match="无法识别"):
            excel.parse_date(bad)
    with pytest.raises(ValueError):
        excel.integer("1.5")
    assert excel.integer(12.0) == 12 and excel.integer(" 1,200 ") == 1200
    assert excel.text(430211.0) == "430211" and excel.text("  x ") == "x"
    assert excel.text_list("a、b，c, d") == ["a", "b", "c", "d"]


def test_choice_by_value_or_label():
    col = SHEET.by_key["kind"]
    assert col.convert("访客") == "guest" and col.convert("STAFF") == "staff"
    with pytest.raises(ValueError, match="职员/访客"):
        col.convert("老板")


def test_template_has_headers_widths_lists_frozen_header_and_notes():
    wb = load_workbook(io.BytesIO(excel.template(SHEET)))
    ws = wb.worksheets[0]
    assert ws.title == "人员" and ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == ["编号", "姓名", "年龄", "出生日期", "类型"]
    assert [c.value for c in ws[2]] == ["P-001", "张三（示例）", 30, "1990-01-01", "职员"]
    assert ws.column_dimensions["A"].width == 16
    [dv] = ws.data_validations.dataValidation
    assert dv.type == "list" and "E2" in str(dv.sqref) and excel.LISTS_SHEET in dv.formula1
    lists = wb[excel.LISTS_SHEET]
    assert lists.sheet_state == "hidden" and [lists["A1"].value, lists["A2"].value] == ["职员", "访客"]
    notes = wb[excel.NOTES_SHEET]
    assert notes["A2"].value == "编号" and notes["B2"].value == "必填" and "职员" in notes["D6"].value


def test_template_unchanged_imports_nothing_and_filled_reimports_cleanly():
    data = excel.template(SHEET)
    with pytest.raises(excel.ExcelErrors) as info:
        excel.read(data, SHEET)
    assert info.value.code == "empty_file"  # the example row is never imported as data
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    for cell, value in zip(ws[2], ["B-7", "赵六", 25, "2001年2月3日", "访客"], strict=True):
        cell.value = value
    buf = io.BytesIO()
    wb.save(buf)
    [row] = excel.read(buf.getvalue(), SHEET)
    assert (row["code"], row["age"], row["born"], row["kind"]) == ("B-7", 25, date(2001, 2, 3), "guest")


def test_write_round_trips_through_read():
    rows = [{"code": "C1", "name": "甲", "age": 3, "born": date(2020, 5, 6), "kind": "guest"}]
    data = excel.write(SHEET, rows)
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    assert ws["E2"].value == "访客"  # choices are written as their labels
    [back] = excel.read(data, SHEET)
    assert {k: back[k] for k in rows[0]} == rows[0]


def test_header_optional_sheet_reads_by_position():
    sheet = excel.Sheet(
        "x",
        [excel.Column("a", "甲", parse=excel.raw), excel.Column("b", "乙", parse=excel.raw)],
        header_optional=True,
        skip_comments=True,
    )
    rows = excel.read(xlsx([["#注释", None], ["2", "3"]], header=("1", "x")), sheet)
    assert [(r[excel.ROW], r["a"], r["b"]) for r in rows] == [(1, "1", "x"), (3, "2", "3")]


def test_a_real_row_equal_to_the_example_is_kept_outside_a_template():
    # An export (no notes sheet) whose row happens to equal the example, and a template's second row.
    rows = excel.read(xlsx([["P-001", "张三（示例）", 30, "1990-01-01", "职员"]]), SHEET)
    assert [r["code"] for r in rows] == ["P-001"]
    wb = load_workbook(io.BytesIO(excel.template(SHEET)))
    wb.worksheets[0].append(["P-002", "李四", 31, "1991-01-01", "职员"])
    wb.worksheets[0].append(["P-001", "张三（示例）", 30, "1990-01-01", "职员"])
    buf = io.BytesIO()
    wb.save(buf)
    assert [r["code"] for r in excel.read(buf.getvalue(), SHEET)] == ["P-002", "P-001"]

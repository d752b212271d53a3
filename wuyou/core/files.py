"""Upload checks shared by every module that takes files: only document and image types, each within
the size limit (settings.ATTACHMENT_MAX_BYTES), content matching the name, nothing executable.

A name and a few magic bytes are easy to fake, so the content is opened the way a reader would open it:
Office files (.docx/.xlsx) as ZIP archives, bounded in members, bytes and compression ratio (a zip bomb
is a few kilobytes that inflate to gigabytes); images decoded by Pillow within a pixel limit (a
decompression bomb is a small PNG declaring 20000×20000 pixels); text checked to be text. Executables
are refused by their content whatever they are called. Old .doc/.xls (OLE) keep the magic check.

`inspect_archive` is also used by the Excel importers (wuyou.core.excel) before openpyxl opens a file.
"""

import codecs
import os
import re
import zipfile

from django.conf import settings
from PIL import Image

from .errors import InvalidInput

# extension -> (content type, magic prefixes); an empty tuple accepts any content.
ALLOWED = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    ".txt": ("text/plain", ()),
}
MAX_FILES = 10

# The format Pillow must decode for each image extension.
# Phones save JPEGs with a multi-picture segment (Ultra HDR, gain maps), which Pillow names MPO.
IMAGE_FORMATS = {".jpg": {"JPEG", "MPO"}, ".jpeg": {"JPEG", "MPO"}, ".png": {"PNG"}}
# The folder of the main part each Office type keeps its content in.
OFFICE_PARTS = {".docx": "word/", ".xlsx": "xl/"}
OOXML_MARKER = "[Content_Types].xml"

# Executable formats by their first bytes: Windows PE/DOS (MZ), ELF, Mach-O (32/64-bit, both byte
# orders) and fat/universal binaries (cafebabe, also Java classes). `#!` scripts are checked apart.
EXECUTABLE_MAGICS = (
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xce\xfa\xed\xfe",
    b"\xfe\xed\xfa\xcf",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"\xbe\xba\xfe\xca",
)
# Members below this size are not judged by their ratio: a small, repetitive XML part compresses well
# and harms nobody.
RATIO_MIN_BYTES = 1024 * 1024
READ_CHUNK = 64 * 1024
# Control characters that never appear in a text file (tab, newlines, form feed and ESC do).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_DRIVE = re.compile(r"^[A-Za-z]:")


class UnsafeArchive(ValueError):
    """An archive refused by `inspect_archive`; `corrupt` when it is not a readable ZIP at all."""

    def __init__(self, reason: str, *, corrupt: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.corrupt = corrupt


def check_file(f) -> str:
    """The content type to store for an uploaded file, or InvalidInput saying what is wrong with it."""
    name = os.path.basename(getattr(f, "name", "") or "")
    ext = os.path.splitext(name)[1].lower()
    if ext not in ALLOWED:
        raise InvalidInput(
            f"附件「{name}」类型不支持，只接受 PDF、图片、Word、Excel 和文本文件", code="attachment_type"
        )
    if f.size > settings.ATTACHMENT_MAX_BYTES:
        limit_mb = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise InvalidInput(f"附件「{name}」超过 {limit_mb} MB", code="attachment_size")
    if f.size == 0:
        raise InvalidInput(f"附件「{name}」是空文件", code="attachment_empty")
    content_type, magics = ALLOWED[ext]
    try:
        head = _head(f, 64)
        if _is_executable(head):
            raise InvalidInput(f"附件「{name}」是可执行程序或脚本，不能上传", code="attachment_executable")
        if magics and not any(head.startswith(m) for m in magics):
            raise InvalidInput(f"附件「{name}」的内容与扩展名不符", code="attachment_type")
        if ext in OFFICE_PARTS:
            _check_office(f, name, ext)
        elif ext in IMAGE_FORMATS:
            _check_image(f, name, ext)
        elif ext == ".txt":
            _check_text(f, name)
    finally:
        f.seek(0)  # whatever was read, the caller saves the file from its start
    return content_type


def _head(f, n: int) -> bytes:
    f.seek(0)
    head = f.read(n)
    f.seek(0)
    return head


def _is_executable(head: bytes) -> bool:
    if head.startswith(EXECUTABLE_MAGICS):
        return True
    # A DOS/PE header is binary (its first fields hold NUL bytes); text that merely starts with "MZ" is not.
    if head.startswith(b"MZ") and b"\x00" in head:
        return True
    return head.removeprefix(codecs.BOM_UTF8).startswith(b"#!")


# ---------------------------------------------------------------- Office documents (ZIP)


def inspect_archive(fileobj, *, require_prefix: str = "") -> None:
    """Raise UnsafeArchive unless `fileobj` (seekable) is a sane OOXML archive: a valid ZIP with at most
    ATTACHMENT_ARCHIVE_MAX_MEMBERS members, no absolute or `..` paths, no encryption, the OOXML marker,
    at most ATTACHMENT_ARCHIVE_MAX_BYTES uncompressed and no member or whole compressed beyond
    ATTACHMENT_ARCHIVE_MAX_RATIO. The declared sizes are checked first; then every member is inflated
    in chunks under the same byte cap, so a header that lies about its size (or a CRC that does not
    match) is caught too."""
    max_members = settings.ATTACHMENT_ARCHIVE_MAX_MEMBERS
    max_bytes = settings.ATTACHMENT_ARCHIVE_MAX_BYTES
    max_ratio = settings.ATTACHMENT_ARCHIVE_MAX_RATIO
    limit_mb = max_bytes // (1024 * 1024)
    bomb = UnsafeArchive(f"解压后超过 {limit_mb} MB 或压缩比异常（疑似压缩炸弹），已拒收")
    try:
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as zf:
            members = zf.infolist()
            if len(members) > max_members:
                raise UnsafeArchive(f"包含的文件超过 {max_members} 个，已拒收")
            names = set()
            for m in members:
                name = m.filename
                parts = re.split(r"[\\/]", name)
                if name.startswith(("/", "\\")) or _DRIVE.match(name) or ".." in parts:
                    raise UnsafeArchive("包含指向文档以外位置的路径，已拒收")
                if name in names:
                    raise UnsafeArchive("包含重名的内部文件，已拒收")
                names.add(name)
                if m.flag_bits & 0x1:
                    raise UnsafeArchive("已加密，无法检查内容，请去除密码后再上传")
            if OOXML_MARKER not in names:
                raise UnsafeArchive("不是有效的 Office 文档（缺少 [Content_Types].xml）", corrupt=True)
            if require_prefix and not any(n.startswith(require_prefix) for n in names):
                raise UnsafeArchive("的内容与扩展名不符", corrupt=True)
            # Declared sizes first: refuses a bomb without inflating a byte of it.
            total = sum(m.file_size for m in members)
            packed = sum(m.compress_size for m in members)
            if total > max_bytes or (total > RATIO_MIN_BYTES and total > max_ratio * max(packed, 1)):
                raise bomb
            for m in members:
                if m.file_size > RATIO_MIN_BYTES and m.file_size > max_ratio * max(m.compress_size, 1):
                    raise bomb
            # Then the real bytes, under the same cap: headers may lie.
            inflated = 0
            for m in members:
                if m.is_dir():
                    continue
                with zf.open(m) as member:
                    while chunk := member.read(READ_CHUNK):
                        inflated += len(chunk)
                        if inflated > max_bytes:
                            raise bomb
    except UnsafeArchive:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError):
        # Every way zipfile reports a damaged archive: BadZipFile (also a CRC mismatch), NotImplementedError
        # (an unknown compression method), EOFError/OSError/ValueError (truncated or garbled headers and
        # streams). Each is the uploader's broken file, so each gets the same answer, never a 500.
        raise UnsafeArchive("已损坏或不是有效的 Office 文档", corrupt=True) from None
    finally:
        fileobj.seek(0)


def _check_office(f, name: str, ext: str) -> None:
    try:
        inspect_archive(f, require_prefix=OFFICE_PARTS[ext])
    except UnsafeArchive as exc:
        raise InvalidInput(f"附件「{name}」{exc.reason}", code="attachment_archive") from None


# ---------------------------------------------------------------- images


def _check_image(f, name: str, ext: str) -> None:
    """Decoded in full before acceptance, within ATTACHMENT_MAX_PIXELS (checked here on the header, per
    call, before any pixel is decoded; Pillow's own process-wide bomb limit is a warning, not a guard)."""
    max_pixels = settings.ATTACHMENT_MAX_PIXELS
    bad = InvalidInput(f"附件「{name}」不是可以打开的图片（文件已损坏或格式不符）", code="attachment_image")
    try:
        # No warnings.catch_warnings() here: it changes process-wide filters, unsafe in threaded workers.
        # The pixel check on the header is the guard; Pillow's DecompressionBombError stays the backstop.
        f.seek(0)
        with Image.open(f) as im:
            if im.format not in IMAGE_FORMATS[ext]:
                raise InvalidInput(f"附件「{name}」的内容与扩展名不符", code="attachment_image")
            width, height = im.size
            if width * height > max_pixels:
                raise _too_many_pixels(name, width, height, max_pixels)
            im.verify()
        f.seek(0)
        with Image.open(f) as im:  # verify() leaves the image unusable: decode a fresh one
            im.load()
    except InvalidInput:
        raise
    except Image.DecompressionBombError:
        raise _too_many_pixels(name, 0, 0, max_pixels) from None
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError, struct.error… for damaged files
        raise bad from None


def _too_many_pixels(name: str, width: int, height: int, max_pixels: int) -> InvalidInput:
    size = f"（{width}×{height}）" if width else ""
    return InvalidInput(
        f"附件「{name}」图片尺寸过大{size}，最多 {max_pixels // 1_000_000} 百万像素", code="attachment_image"
    )


# ---------------------------------------------------------------- text


def _check_text(f, name: str) -> None:
    """Text in UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030, with no NUL or other control
    bytes: a binary file renamed .txt is refused."""
    f.seek(0)
    data = f.read()
    for text in _decodings(data):
        if not _CONTROL.search(text):
            return
        break  # decoded, but holds bytes no text file has
    raise InvalidInput(
        f"附件「{name}」不是有效的文本文件（含有二进制内容），请上传纯文本", code="attachment_type"
    )


def _decodings(data: bytes):
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8-sig", "gb18030")
    for encoding in candidates:
        try:
            yield data.decode(encoding)
        except UnicodeDecodeError:
            continue

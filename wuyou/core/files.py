"""Upload checks shared by every module that takes files: only document and image types, each within
the size limit (settings.ATTACHMENT_MAX_BYTES), content matching the name."""

import os

from django.conf import settings

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
    if magics:
        head = f.read(8)
        f.seek(0)
        if not any(head.startswith(m) for m in magics):
            raise InvalidInput(f"附件「{name}」的内容与扩展名不符", code="attachment_type")
    return content_type

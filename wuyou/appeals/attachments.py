"""Saving an appeal's attachments; the checks themselves are shared, in wuyou.core.files."""

import os

from wuyou.core.errors import InvalidInput
from wuyou.core.files import MAX_FILES, check_file

from .models import Appeal, Attachment


def save_attachments(appeal: Appeal, files, *, by) -> list[Attachment]:
    files = list(files)
    if len(files) > MAX_FILES:
        raise InvalidInput(f"附件最多 {MAX_FILES} 个", code="attachment_count")
    checked = [(f, check_file(f)) for f in files]  # check all before writing any
    saved = []
    for f, content_type in checked:
        name = os.path.basename(f.name)
        att = Attachment(
            appeal=appeal, name=name[:200], content_type=content_type, size=f.size, uploaded_by=by
        )
        att.file.save(name, f, save=False)
        att.save()
        saved.append(att)
    return saved

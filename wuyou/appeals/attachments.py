"""Saving an appeal's attachments; the checks themselves are shared, in wuyou.core.files.

The same path for every file an appeal gets: the intake's material, the enterprise's supplied material
(补充材料) and the department's reply (答复附件); `kind` says which."""

import os

from wuyou.core.errors import InvalidInput
from wuyou.core.files import MAX_FILES, check_file

from .models import Appeal, Attachment, AttachmentKind


def save_attachments(appeal: Appeal, files, *, by, kind: str = AttachmentKind.APPEAL) -> list[Attachment]:
    files = list(files or [])
    if len(files) > MAX_FILES:
        raise InvalidInput(f"附件最多 {MAX_FILES} 个", code="attachment_count")
    checked = [(f, check_file(f)) for f in files]  # check all before writing any
    saved = []
    for f, content_type in checked:
        name = os.path.basename(f.name)
        att = Attachment(
            appeal=appeal,
            name=name[:200],
            content_type=content_type,
            size=f.size,
            kind=kind,
            uploaded_by=by,
        )
        att.file.save(name, f, save=False)
        att.save()
        saved.append(att)
    return saved


def attachment_data(saved: list[Attachment]) -> dict:
    """What an event records of the files that came with it (hashed with the event)."""
    return {"attachments": [a.pk for a in saved]} if saved else {}

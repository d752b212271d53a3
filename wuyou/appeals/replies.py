"""A department's reply templates (常用语): its handlers and leader keep them, the reply form offers them.

Each department sees and edits only its own; every write is audited (新增/修改/删除答复常用语)."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from wuyou.core.audit import record_change, snapshot
from wuyou.core.errors import Forbidden, InvalidInput, NotFound
from wuyou.core.inputs import MAX_INT, Input
from wuyou.orgs.access import DEPT, has_role

from .models import ReplyTemplate

TITLE = Input("title", "常用语名称", required=True, max_len=60)
TEXT = Input("text", "常用语内容", required=True, max_len=5000)
FIELDS = ["title", "text"]
NOT_FOUND = "常用语不存在或不属于本部门"


def templates_for(user) -> QuerySet[ReplyTemplate]:
    """The templates of the user's own department; none for anyone else."""
    if not has_role(user, DEPT) or not user.department_id:
        return ReplyTemplate.objects.none()
    return ReplyTemplate.objects.filter(department_id=user.department_id).order_by("title", "id")


def _require_department(by) -> None:
    if not has_role(by, DEPT):
        raise Forbidden("只有部门经办人和负责人可以管理本部门的常用语", code="forbidden")
    if not by.department_id:
        raise Forbidden("该账号未关联部门", code="no_department")


def _own(by, template_id) -> ReplyTemplate:
    if isinstance(template_id, str) and template_id.strip().isdigit():
        template_id = int(template_id)
    if isinstance(template_id, bool) or not isinstance(template_id, int) or not 0 < template_id <= MAX_INT:
        raise NotFound(NOT_FOUND, code="not_found")
    tpl = templates_for(by).select_for_update().filter(pk=template_id).first()
    if tpl is None:
        raise NotFound(NOT_FOUND, code="not_found")
    return tpl


def _limit() -> int:
    return int(getattr(settings, "REPLY_TEMPLATES_PER_DEPARTMENT", 100))


@transaction.atomic
def template_save(*, by, title: str, text: str, template_id=None) -> ReplyTemplate:
    """Create a template (no `template_id`) or change one of the department's own."""
    _require_department(by)
    tpl = _own(by, template_id) if template_id not in (None, "") else None
    title, text = TITLE.clean(title), TEXT.clean(text)
    same_title = templates_for(by).filter(title=title)
    if tpl is not None:
        same_title = same_title.exclude(pk=tpl.pk)
    if same_title.exists():
        raise InvalidInput(f"本部门已有名为「{title}」的常用语", code="title_duplicate")
    if tpl is None and templates_for(by).count() >= _limit():
        raise InvalidInput(f"每个部门最多 {_limit()} 条常用语，请先删除不用的", code="templates_full")
    before = snapshot(tpl, FIELDS)
    created = tpl is None
    if created:
        tpl = ReplyTemplate(department_id=by.department_id, created_by=by)
    tpl.title, tpl.text, tpl.updated_at = title, text, timezone.now()
    if not created and snapshot(tpl, FIELDS) == before:
        return tpl  # nothing changed: nothing to record
    try:
        with transaction.atomic():
            tpl.save()
    except IntegrityError:  # the same title saved at the same moment by a colleague
        raise InvalidInput(f"本部门已有名为「{title}」的常用语", code="title_duplicate") from None
    record_change(
        by=by,
        action="reply_template.create" if created else "reply_template.update",
        subject=tpl,
        before=before,
        after=snapshot(tpl, FIELDS),
    )
    return tpl


@transaction.atomic
def template_delete(*, by, template_id) -> None:
    _require_department(by)
    tpl = _own(by, template_id)
    before = snapshot(tpl, FIELDS)
    label = ("appeals.replytemplate", tpl.pk, tpl.title)
    tpl.delete()
    record_change(by=by, action="reply_template.delete", subject=label, before=before)

"""Appeals API: intake, lists, detail and one POST per action of the closed loop."""

from datetime import datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema
from pydantic import ValidationError as PydanticValidationError

from wuyou.core import jsonbody
from wuyou.core.errors import Forbidden, InvalidInput, NotFound
from wuyou.core.inputs import MAX_INT, schema_model

from . import notes, services
from .exposure import contact_phone_for
from .intake import VIA_API
from .models import Appeal, Attachment, InternalNote
from .selectors import is_overdue, search, visible_appeals
from .transitions import FLOW

router = Router(tags=["appeals"])
PAGE_SIZE = 50
# Far beyond any real list, and keeps OFFSET inside a 64-bit integer.
MAX_PAGE = 100_000


class EnterpriseRef(Schema):
    uscc: str
    name: str


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor: str | None
    note: str
    at: datetime
    attachments: list[int] = Field([], description="随该步骤提交的附件（补充材料、答复附件）的 id")


class AttachmentOut(Schema):
    id: int
    name: str
    kind: str = Field(description="appeal 诉求材料 / supply 补充材料 / reply 答复附件")
    content_type: str
    size: int
    uploaded_at: datetime
    url: str = Field(description="下载地址（登录后的页面地址）")


class NoteOut(Schema):
    id: int
    text: str
    author: str
    department: str | None
    at: datetime


class NoteIn(Schema):
    text: str


class AppealOut(Schema):
    id: int
    number: str
    status: str
    channel: str
    category: str
    urgency: str
    title: str
    content: str
    enterprise: EnterpriseRef
    department: str | None
    co_departments: list[str]
    escalation_level: int
    sign_due_at: datetime | None
    reply_due_at: datetime | None
    overdue: bool
    created_at: datetime
    reply_result: str
    reply_content: str
    rating: str


class AppealDetail(AppealOut):
    contact_name: str
    contact_phone: str
    location: str
    cost_saved_yuan: Decimal | None
    merged_into: int | None
    attachments: list[AttachmentOut]
    events: list[EventOut]


class AppealPage(Schema):
    items: list[AppealOut]
    count: int


class AppealIn(Schema):
    enterprise: str | None = Field(None, description="统一社会信用代码；企业用户可省略")
    channel: str | None = Field(
        None,
        description="渠道：仅协调中心可选择（默认 api）；企业、联企干部的渠道由系统按角色确定，传入的值不被采用",
    )
    category: str
    title: str
    content: str
    contact_name: str
    contact_phone: str
    urgency: str = "normal"
    location: str = ""


def local(dt):
    return timezone.localtime(dt) if dt else None


def appeal_dict(a: Appeal, co_codes: list[str] | None = None, now=None) -> dict:
    return {
        "id": a.pk,
        "number": a.number,
        "status": a.status,
        "channel": a.channel,
        "category": a.category,
        "urgency": a.urgency,
        "title": a.title,
        "content": a.content,
        "enterprise": {"uscc": a.enterprise.uscc, "name": a.enterprise.name},
        "department": a.department.code if a.department_id else None,
        "co_departments": co_codes
        if co_codes is not None
        else [c.department.code for c in a.co_handlers.all()],
        "escalation_level": a.escalation_level,
        "sign_due_at": local(a.sign_due_at),
        "reply_due_at": local(a.reply_due_at),
        "overdue": is_overdue(a, now),
        "created_at": local(a.created_at),
        "reply_result": a.reply_result,
        "reply_content": a.reply_content,
        "rating": a.rating,
    }


def _event_files(e) -> list[int]:
    files = e.data.get("attachments") if isinstance(e.data, dict) else None
    return [i for i in files if isinstance(i, int)] if isinstance(files, list) else []


def attachment_dict(att: Attachment) -> dict:
    return {
        "id": att.pk,
        "name": att.name,
        "kind": att.kind,
        "content_type": att.content_type,
        "size": att.size,
        "uploaded_at": local(att.uploaded_at),
        "url": f"/appeals/{att.appeal_id}/files/{att.pk}/",
    }


def detail_dict(a: Appeal, user, co_codes: list[str] | None = None, events=None, attachments=None) -> dict:
    """The appeal as `user` may see it: the contact phone whole or masked by the pages' rule.
    Internal notes (内部备注) are never part of it, for anyone: they have their own endpoint."""
    d = appeal_dict(a, co_codes)
    if events is None:
        events = a.events.select_related("actor").order_by("seq")
    if attachments is None:
        attachments = a.attachments.order_by("id")
    d.update(
        contact_name=a.contact_name,
        contact_phone=contact_phone_for(user, a),
        location=a.location,
        cost_saved_yuan=a.cost_saved_yuan,
        merged_into=a.merged_into_id,
        attachments=[attachment_dict(f) for f in attachments],
        events=[
            {
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "actor": e.actor.username if e.actor_id else None,
                "note": e.note,
                "at": local(e.at),
                "attachments": _event_files(e),
            }
            for e in events
        ],
    )
    return d


def load_detail(request, appeal_id: int) -> dict:
    if not 0 < appeal_id <= MAX_INT:
        raise NotFound("诉求不存在或无权查看", code="not_found")
    qs = (
        visible_appeals(request.user)
        .select_related("enterprise", "department")
        .prefetch_related("co_handlers__department")
    )
    return detail_dict(get_object_or_404(qs, pk=appeal_id), request.user)


@router.post("", response={201: AppealDetail}, summary="提交诉求")
def create_appeal(request, payload: AppealIn):
    appeal = services.appeal_submit(
        by=request.user,
        enterprise_uscc=payload.enterprise,
        channel=payload.channel,
        via=VIA_API,
        category=payload.category,
        title=payload.title,
        content=payload.content,
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
        urgency=payload.urgency,
        location=payload.location,
    )
    # Built from the rows just written: a fresh appeal has no co-handlers, one event and (by JSON) no files.
    return 201, detail_dict(appeal, request.user, co_codes=[], events=[appeal.submit_event], attachments=[])


@router.get("", response=AppealPage, summary="诉求列表")
def list_appeals(
    request,
    status: str | None = None,
    department: str | None = None,
    overdue: bool | None = None,
    q: str | None = None,
    page: int = 1,
):
    if not 1 <= page <= MAX_PAGE:
        raise InvalidInput(f"页码须在 1 到 {MAX_PAGE} 之间", code="invalid_page")
    qs = search(request.user, status=status, department=department, overdue=overdue, q=q)
    count = qs.count()
    rows = list(qs.prefetch_related("co_handlers__department")[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    now = timezone.now()
    items = [appeal_dict(a, [c.department.code for c in a.co_handlers.all()], now) for a in rows]
    return {"items": items, "count": count}


@router.get("/{int:appeal_id}", response=AppealDetail, summary="诉求详情")
def get_appeal(request, appeal_id: int):
    return load_detail(request, appeal_id)


def note_dict(n: InternalNote) -> dict:
    return {
        "id": n.pk,
        "text": n.text,
        "author": n.author.get_full_name() or n.author.username,
        "department": n.department.code if n.department_id else None,
        "at": local(n.created_at),
    }


# Before the action route below: POST /{id}/notes must not be read as the action "notes".
@router.get(
    "/{int:appeal_id}/notes",
    response=list[NoteOut],
    summary="内部备注",
    description="仅主办、协办部门和协调中心（及提级到专班的专班）可见；企业一方永远看不到（403）。",
)
def list_notes(request, appeal_id: int):
    if not 0 < appeal_id <= MAX_INT:
        raise NotFound("诉求不存在或无权查看", code="not_found")
    appeal = get_object_or_404(visible_appeals(request.user), pk=appeal_id)
    if not notes.may_see_notes(request.user, appeal):
        raise Forbidden(notes.FORBIDDEN_MESSAGE, code="forbidden")
    return [note_dict(n) for n in notes.notes_for(request.user, appeal)]


@router.post("/{int:appeal_id}/notes", response={201: NoteOut}, summary="添加内部备注")
def add_note(request, appeal_id: int, payload: NoteIn):
    note = notes.note_add(appeal_id=appeal_id, by=request.user, text=payload.text)
    return 201, note_dict(note)


# The body of every action, derived from the workflow table's inputs.
ActionIn = schema_model("ActionIn", [i for r in FLOW.rules if not r.system for i in r.inputs])


ACTION_BODY_SCHEMA = {
    "requestBody": {
        "required": False,
        "content": {
            "application/json": {"schema": ActionIn.model_json_schema()},
            # Actions that take files (supply, reply): the same fields as form parts, plus `files`.
            "multipart/form-data": {
                "schema": {
                    "allOf": [ActionIn.model_json_schema()],
                    "properties": {
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}}
                    },
                }
            },
        },
    }
}


def parse_action_body(request) -> dict:
    """Actions like sign carry no body; clients may send none, or an empty one, without a content type."""
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        payload = request.POST.dict()
    else:
        # Size, depth and text checked in one place (core.jsonbody), as for every other JSON body.
        payload = jsonbody.loads_object(request.body or b"")
    if not isinstance(payload, dict):
        raise InvalidInput("请求体必须是 JSON 对象", code="invalid_json")
    try:
        return ActionIn.model_validate(payload).model_dump(exclude_none=True)
    except PydanticValidationError as exc:
        parts = [f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors()[:5]]
        raise InvalidInput("请求参数不正确：" + "；".join(parts), code="validation_error") from None


@router.post(
    "/{int:appeal_id}/{action}",
    response=AppealDetail,
    summary="执行办理操作",
    description="action: "
    + ", ".join(services.ACTION_NAMES)
    + "。supply（补充材料）与 reply（答复）可用 multipart/form-data 同时上传附件 files。",
    openapi_extra=ACTION_BODY_SCHEMA,
)
def act(request, appeal_id: int, action: str):
    if action not in services.ACTION_NAMES:
        raise NotFound(f"未知操作：{action}", code="unknown_action")
    data = parse_action_body(request)
    files = request.FILES.getlist("files") if request.content_type == "multipart/form-data" else None
    services.perform(action, appeal_id=appeal_id, by=request.user, data=data, files=files)
    # The actor may lose sight of the appeal by acting (a return leaves the department's queue):
    # it was allowed to act, so it gets the result of its own action.
    qs = Appeal.objects.select_related("enterprise", "department").prefetch_related("co_handlers__department")
    return detail_dict(qs.get(pk=appeal_id), request.user)

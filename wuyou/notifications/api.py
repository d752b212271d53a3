"""Notifications API: the caller's own inbox and marking it read. Nobody reaches another's entries."""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from wuyou.core.errors import InvalidInput

from . import selectors, services

router = Router(tags=["notifications"])
PAGE_SIZE = 50
MAX_PAGE = 100_000  # far beyond any real inbox, and keeps OFFSET inside a 64-bit integer


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    link: str
    subject: str
    kind: str
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Schema):
    items: list[NotificationOut]
    count: int
    unread: int


class ReadIn(Schema):
    ids: list[int] = Field(default_factory=list, description="要标为已读的消息编号")
    all: bool = Field(False, description="为 true 时把全部未读消息标为已读")


class ReadOut(Schema):
    marked: int
    unread: int


@router.get("", response=NotificationPage, summary="我的消息")
def list_notifications(request, unread: bool = False, page: int = 1):
    if not 1 <= page <= MAX_PAGE:
        raise InvalidInput(_("页码须在 1 到 %(max)s 之间") % {"max": MAX_PAGE}, code="invalid_page")
    qs = selectors.inbox(request.user, unread=unread)
    items = list(qs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    return {
        "items": items,
        "count": qs.count(),
        "unread": selectors.inbox(request.user, unread=True).count(),
    }


@router.post("/read", response=ReadOut, summary="标为已读")
def read_notifications(request, payload: ReadIn):
    if not payload.all and not payload.ids:
        raise InvalidInput(_("请给出消息编号 ids，或 all=true"), code="nothing_to_mark")
    marked = services.mark_read(user=request.user, ids=services.ALL if payload.all else payload.ids)
    return {"marked": marked, "unread": selectors.inbox(request.user, unread=True).count()}

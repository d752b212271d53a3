"""Intake (受理): an appeal is submitted by the enterprise, a cadre on its behalf, or the center
taking a hotline call. The hot path of the whole system: five statements per appeal."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from wuyou.core.errors import Forbidden, InvalidInput, NotFound
from wuyou.core.inputs import Input, clean_text
from wuyou.core.numbering import daily_number
from wuyou.orgs.access import role_of
from wuyou.orgs.models import Enterprise, Role
from wuyou.orgs.validators import clean_phone, clean_uscc

from .attachments import save_attachments
from .audit import record_event
from .models import Action, Appeal, Category, Channel, Urgency

CHANNEL = Input("channel", "渠道", kind="choice", choices=Channel, required=True)
CATEGORY = Input("category", "诉求类别", kind="choice", choices=Category, required=True)
URGENCY = Input("urgency", "紧急程度", kind="choice", choices=Urgency, required=True)


def appeal_submit(
    *,
    by,
    title: str,
    content: str,
    category: str,
    contact_name: str,
    contact_phone: str,
    enterprise_uscc: str | None = None,
    channel: str | None = None,
    urgency: str = Urgency.NORMAL,
    location: str = "",
    lat: float | None = None,
    lon: float | None = None,
    files=(),
    now=None,
) -> Appeal:
    now = now or timezone.now()
    role = role_of(by)
    if role == Role.ENTERPRISE:
        if by.enterprise_id is None:
            raise InvalidInput("该账号未关联企业，不能提交诉求", code="no_enterprise")
        enterprise = by.enterprise
        if enterprise_uscc and clean_uscc(enterprise_uscc) != enterprise.uscc:
            raise NotFound("企业不存在或无权代其提交", code="not_found")
        channel = channel or Channel.APP
    elif role in (Role.CENTER, Role.ADMIN, Role.CADRE):
        if not enterprise_uscc:
            raise InvalidInput("请填写企业统一社会信用代码", code="enterprise_required")
        try:
            uscc = clean_uscc(enterprise_uscc)
        except ValidationError as exc:
            raise InvalidInput(exc.messages[0], code=exc.code or "invalid_uscc") from None
        enterprise = Enterprise.objects.filter(uscc=uscc).first()
        if enterprise is None:
            raise InvalidInput(f"企业未登记：{uscc}", code="unknown_enterprise")
        channel = channel or (Channel.CADRE if role == Role.CADRE else Channel.HOTLINE)
    else:
        raise Forbidden("当前角色不能提交诉求", code="forbidden")
    try:
        phone = clean_phone(contact_phone)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], code="invalid_phone") from None
    appeal = Appeal(
        enterprise=enterprise,
        contact_name=clean_text(contact_name, "联系人", 50, field="contact_name"),
        contact_phone=phone,
        channel=CHANNEL.clean(channel),
        category=CATEGORY.clean(category),
        urgency=URGENCY.clean(urgency or Urgency.NORMAL),
        title=clean_text(title, "标题", 120, field="title"),
        content=clean_text(content, "诉求内容", 5000, field="content"),
        location=clean_text(location, "地点", 200, required=False, field="location"),
        lat=lat,
        lon=lon,
        created_by=by,
        created_at=now,
    )
    # The number is taken in its own short statement before the transaction (wuyou.core.numbering).
    appeal.number = daily_number("ZZ", now)
    with transaction.atomic():
        appeal.save(force_insert=True)
        if files:
            save_attachments(appeal, files, by=by)
        # Kept on the instance so the API answers with the event it just wrote instead of reading it back.
        appeal.submit_event = record_event(
            appeal, Action.SUBMIT, by=by, before="", note=appeal.get_channel_display(), at=now, first=True
        )
    return appeal

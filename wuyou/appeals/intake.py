"""Intake (受理): an appeal is submitted by the enterprise, a cadre on its behalf, or the center
taking a hotline call. The hot path of the whole system: five statements per appeal, plus the rate
limit's counters for enterprises and cadres.

The channel is the server's, from the role and how the request came (`via`): an enterprise submits
through the app/website channel (or Open311), a cadre through the cadre channel; only the center
(and admins) record another channel, such as the hotline call they are taking.

Rate limits (settings.APPEAL_RATE_LIMITS): per enterprise per hour and per day, and per account;
only accepted appeals count (checked before, counted after the appeal is written), so a form with a
typo does not use up the quota. The center taking calls is not limited: a busy hotline must not stop."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from wuyou.core import throttle
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

# How a submission came in: a page, the REST API (a token), the Open311 endpoint.
VIA_WEB, VIA_API, VIA_OPEN311 = "web", "api", "open311"

RATE_DEFAULTS = {
    # name: (max accepted appeals, window seconds)
    "enterprise_hour": (20, 3600),
    "enterprise_day": (100, 86400),
    "account_hour": (20, 3600),
    "account_day": (100, 86400),
}
RATE_MESSAGE = "提交过于频繁，请稍后再试；如情况紧急请拨打企业服务咨询热线"


RateLimited = throttle.RateLimited  # 429 rate_limited


def channel_for(role: str, requested: str | None, via: str | None) -> str:
    """The channel of a new appeal: decided by the server from the role; only the center and admins
    choose one (the call they are taking). What anyone else sends is not used."""
    if role == Role.ENTERPRISE:
        return Channel.OPEN311 if via == VIA_OPEN311 else Channel.APP
    if role == Role.CADRE:
        return Channel.CADRE
    if requested:
        return CHANNEL.clean(requested)
    return {VIA_API: Channel.API, VIA_OPEN311: Channel.OPEN311}.get(via or VIA_WEB, Channel.HOTLINE)


def _rate(name: str) -> tuple[int, int]:
    return getattr(settings, "APPEAL_RATE_LIMITS", RATE_DEFAULTS).get(name, RATE_DEFAULTS[name])


def _quotas(role: str, by, enterprise, via) -> list[throttle.Quota]:
    """The quotas this submitter is under: none for the center and admins taking calls."""
    if via is None or not getattr(settings, "APPEAL_RATE_LIMITS_ENABLED", True):
        return []
    if role == Role.ENTERPRISE:
        # The enterprise's quota covers all its accounts; the account's own day keeps one account in check.
        names = [
            ("enterprise_hour", enterprise.pk),
            ("enterprise_day", enterprise.pk),
            ("account_day", by.pk),
        ]
    elif role == Role.CADRE:
        names = [("account_hour", by.pk), ("account_day", by.pk)]
    else:
        return []
    return [throttle.Quota(f"appeal-rl:{name}:{who}", *_rate(name)) for name, who in names]


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
    via: str | None = None,
) -> Appeal:
    """`via`: how the submission came (VIA_WEB, VIA_API, VIA_OPEN311); None for the platform's own calls
    (the demo loader, imports), which are not rate limited."""
    now = now or timezone.now()
    role = role_of(by)
    if role == Role.ENTERPRISE:
        if by.enterprise_id is None:
            raise InvalidInput("该账号未关联企业，不能提交诉求", code="no_enterprise")
        enterprise = by.enterprise
        if enterprise_uscc and clean_uscc(enterprise_uscc) != enterprise.uscc:
            raise NotFound("企业不存在或无权代其提交", code="not_found")
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
    else:
        raise Forbidden("当前角色不能提交诉求", code="forbidden")
    channel = channel_for(role, channel, via)
    quotas = _quotas(role, by, enterprise, via)
    throttle.check_quotas(quotas, RATE_MESSAGE)
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
    throttle.count_quotas(quotas)  # only now: the appeal was accepted
    return appeal

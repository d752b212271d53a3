from django import template
from django.utils import timezone
from django.utils.html import format_html

from wuyou.orgs.validators import mask_phone

from ..selectors import HANDLING

register = template.Library()


@register.filter
def mask(value):
    return mask_phone(value)


@register.filter
def pct(value):
    return "—" if value is None else f"{value * 100:.1f}%"


@register.simple_tag
def due_badge(appeal, now=None):
    """One badge saying how the appeal stands against its clock."""
    now = now or timezone.now()
    if appeal.status == "dispatched" and appeal.sign_due_at and appeal.sign_due_at < now:
        return format_html('<span class="badge overdue">签收超时</span>')
    if appeal.status in HANDLING and appeal.reply_due_at:
        if appeal.reply_due_at < now:
            days = (now - appeal.reply_due_at).days
            return format_html('<span class="badge overdue">超期{}</span>', f" {days} 天" if days else "")
        if appeal.warn_at and appeal.warn_at <= now:
            return format_html('<span class="badge warn">即将到期</span>')
        return format_html('<span class="badge ok">正常</span>')
    if appeal.status == "paused":
        return format_html('<span class="badge">已暂停计时</span>')
    return ""


@register.simple_tag
def level_badge(appeal):
    if appeal.escalation_level:
        return format_html('<span class="badge level">{}级督办</span>', appeal.escalation_level)
    return ""

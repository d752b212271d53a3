"""Writes of the notifications app: notify, mark read, email preferences.

notify() writes inbox and outbox rows in the caller's transaction, so a notification exists exactly
when the event that caused it committed; the worker delivers the outbox (tasks.deliver)."""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyou.core.errors import InvalidInput, NotFound

from . import kinds
from .models import DigestItem, EmailMode, Notification, Outbox, Preference
from .outbox import header_text

ALL = "all"


def email_modes(user_ids: Iterable[int], kind_set: Iterable[str]) -> dict[tuple[int, str], str]:
    """{(user id, kind): mode} for the pairs whose mode is not immediate, in one query.

    The most specific preference wins: "appeal.escalate" before "appeal"."""
    user_ids, kind_set = set(user_ids), {k for k in kind_set if k}
    if not user_ids or not kind_set:
        return {}
    wanted = {k: kinds.lineage(k) for k in kind_set}
    stored = {
        (u, k): mode
        for u, k, mode in Preference.objects.filter(
            user_id__in=user_ids, kind__in={k for line in wanted.values() for k in line}
        ).values_list("user_id", "kind", "email")
    }
    if not stored:
        return {}
    modes = {}
    for u in {user for user, _kind in stored}:
        for kind, line in wanted.items():
            mode = next((stored[(u, k)] for k in line if (u, k) in stored), EmailMode.IMMEDIATE)
            if mode != EmailMode.IMMEDIATE:
                modes[(u, kind)] = mode
    return modes


def notify(
    users,
    *,
    title: str,
    body: str = "",
    link: str = "",
    subject: str = "",
    kind: str = "",
    email: bool = True,
    sms_to: str = "",
) -> None:
    """Tell `users` in the inbox; email those with an address (unless their preference for `kind` is
    off, or digest: then tomorrow's digest carries it); text `sms_to` if given."""
    users = list(users)
    now = timezone.now()
    # Titles come from user text (an appeal's title) and may be longer than the inbox column holds.
    title = title[: Notification._meta.get_field("title").max_length]
    Notification.objects.bulk_create(
        [Notification(user=u, title=title, body=body, link=link, subject=subject, kind=kind) for u in users]
    )
    outbox, held = [], []
    if email:
        addressed = [u for u in users if u.email]
        modes = email_modes([u.pk for u in addressed], [kind])
        for u in addressed:
            mode = modes.get((u.pk, kind), EmailMode.IMMEDIATE)
            if mode == EmailMode.IMMEDIATE:
                outbox.append(
                    Outbox(
                        channel=Outbox.Channel.EMAIL,
                        to=u.email,
                        subject=header_text(title),  # one line, within the column, whatever the title
                        body=body,
                        next_attempt_at=now,
                    )
                )
            elif mode == EmailMode.DIGEST:
                held.append(DigestItem(user=u, kind=kind, title=title, body=body))
    if sms_to:
        text = f"{settings.SMS_SIGNATURE}{title}"
        outbox.append(Outbox(channel=Outbox.Channel.SMS, to=sms_to, body=text, next_attempt_at=now))
    if outbox:
        Outbox.objects.bulk_create(outbox)
    if held:
        DigestItem.objects.bulk_create(held)


def mark_read(*, user, ids) -> int:
    """Mark the user's own notifications read: `ids` (a list of ids) or ALL. An id that is not one of
    the user's notifications is a 404 for the whole request, whoever owns it."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids != ALL:
        try:
            wanted = {int(i) for i in ids}
        except (TypeError, ValueError):
            raise InvalidInput(_("消息编号须为整数"), code="invalid_id") from None
        if not wanted:
            return 0
        if Notification.objects.filter(user=user, pk__in=wanted).count() != len(wanted):
            raise NotFound(_("消息不存在"))
        qs = qs.filter(pk__in=wanted)
    return qs.update(read_at=timezone.now())


@transaction.atomic
def set_preferences(*, user, modes: dict[str, str]) -> None:
    """Set the user's email mode per registered kind. Immediate is stored too: it overrides a parent
    kind's digest or off."""
    valid = set(EmailMode.values)
    for kind, mode in modes.items():
        if kind not in kinds.KINDS:
            raise InvalidInput(_("未知的消息类别：%(kind)s") % {"kind": kind}, code="unknown_kind")
        if mode not in valid:
            raise InvalidInput(_("邮件方式须为立即、每日汇总或不发"), code="invalid_mode")
    for kind, mode in modes.items():
        Preference.objects.update_or_create(user=user, kind=kind, defaults={"email": mode})

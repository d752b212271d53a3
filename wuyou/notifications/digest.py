"""The daily digest: the emails users chose to receive once a day, one message per user.

Every item held back before today's digest time (NOTIFICATION_DIGEST_HOUR, local time) goes into
today's digest; items that arrive later wait for tomorrow's. So the builder may run every worker round
and a user still gets at most one digest a day; a second worker skips the rows the first has locked."""

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wuyou.orgs.models import User

from .models import DigestItem, Outbox

BATCH = 5000


def cutoff(now) -> datetime:
    """The latest digest time at or before `now`."""
    local = timezone.localtime(now)
    at = timezone.make_aware(datetime.combine(local.date(), time(settings.NOTIFICATION_DIGEST_HOUR)))
    return at if at <= now else at - timedelta(days=1)


def digest_text(items) -> tuple[str, str]:
    # In the site's language, whatever language the process last served a page in.
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("无忧每日消息汇总（%(count)s 条）") % {"count": len(items)}
    body = "\n\n".join(f"{title}\n{text}".rstrip() for title, text in items)
    return subject, body


def build_digests(now=None) -> int:
    """Queue one digest email per user with held items; returns how many were queued."""
    now = now or timezone.now()
    before = cutoff(now)
    if not DigestItem.objects.filter(sent_at__isnull=True, created_at__lt=before).exists():
        return 0  # the common case, every round but one a day: one indexed probe
    queued = 0
    while True:
        with transaction.atomic():
            rows = list(
                DigestItem.objects.select_for_update(skip_locked=True)
                .filter(sent_at__isnull=True, created_at__lt=before)
                .order_by("created_at", "pk")
                .values_list("pk", "user_id", "title", "body")[:BATCH]
            )
            if not rows:
                return queued
            per_user = defaultdict(list)
            for _pk, user_id, title, body in rows:
                per_user[user_id].append((title, body))
            # A batch may split one user's items; the rest then come in a second message of the same run.
            emails = dict(
                User.objects.filter(pk__in=per_user, is_active=True)
                .exclude(email="")
                .values_list("pk", "email")
            )
            outbox = []
            for user_id, items in per_user.items():
                if user_id in emails:
                    subject, body = digest_text(items)
                    outbox.append(
                        Outbox(
                            channel=Outbox.Channel.EMAIL,
                            to=emails[user_id],
                            subject=subject,
                            body=body,
                            next_attempt_at=now,
                        )
                    )
            Outbox.objects.bulk_create(outbox)
            DigestItem.objects.filter(pk__in=[r[0] for r in rows]).update(sent_at=now)
            queued += len(outbox)

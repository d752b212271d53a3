"""Who hears about what. Inbox rows and outbox rows are written in the caller's transaction,
so a notification exists exactly when the event that caused it committed; the worker delivers the outbox."""

from django.conf import settings
from django.utils import timezone

from wuyou.orgs.models import Role, User

from .models import Appeal, Notification, Outbox


def department_users(department_id, roles=(Role.DEPT_HANDLER, Role.DEPT_LEADER)):
    if department_id is None:
        return User.objects.none()
    return User.objects.filter(department_id=department_id, role__in=roles, is_active=True)


def role_users(*roles):
    return User.objects.filter(role__in=roles, is_active=True)


def enterprise_users(appeal: Appeal):
    return User.objects.filter(enterprise_id=appeal.enterprise_id, is_active=True)


def notify(users, appeal: Appeal | None, title: str, body: str = "", *, email: bool = True, sms_to: str = ""):
    users = list(users)
    now = timezone.now()
    Notification.objects.bulk_create(
        [Notification(user=u, appeal=appeal, title=title, body=body) for u in users]
    )
    outbox = []
    if email:
        for u in users:
            if u.email:
                outbox.append(
                    Outbox(
                        channel=Outbox.Channel.EMAIL,
                        to=u.email,
                        subject=title,
                        body=body,
                        next_attempt_at=now,
                    )
                )
    if sms_to:
        text = f"{settings.SMS_SIGNATURE}{title}"
        outbox.append(Outbox(channel=Outbox.Channel.SMS, to=sms_to, body=text, next_attempt_at=now))
    if outbox:
        Outbox.objects.bulk_create(outbox)


def link_text(appeal: Appeal) -> str:
    return f"诉求 {appeal.number}「{appeal.title}」"

"""Who hears about reports. Texts never carry the reporter's identity; texts to departments never name a
report (only "核实事项" with its own number); texts to reporters never carry the report number (the
notification row is linked to their account, the identity is not).

Rows go into the appeals inbox and outbox in the caller's transaction (see wuyou.appeals.notify)."""

from django.contrib.auth.models import Permission
from django.db.models import Q

from wuyou.appeals import notify as inbox
from wuyou.orgs.models import Role, User


def investigators():
    perm = Permission.objects.filter(
        codename="investigate_report", content_type__app_label="negative_list"
    ).first()
    qs = User.objects.none()
    if perm is not None:
        qs = User.objects.filter(
            Q(user_permissions=perm) | Q(groups__permissions=perm), role=Role.CENTER, is_active=True
        ).distinct()
    if not qs.exists():
        qs = User.objects.filter(role=Role.ADMIN, is_active=True)
    return qs


def to_investigators(title: str, body: str = "", *, email: bool = True):
    inbox.notify(investigators(), None, title, body, email=email)


def to_department(
    department_id: int, title: str, body: str = "", roles=(Role.DEPT_HANDLER, Role.DEPT_LEADER)
):
    inbox.notify(inbox.department_users(department_id, roles=roles), None, title, body)


def to_jw(title: str, body: str = ""):
    inbox.notify(User.objects.filter(department__code="jw", is_active=True), None, title, body)


def to_reporter_account(user_id: int | None):
    if user_id:
        users = User.objects.filter(pk=user_id, is_active=True)
        inbox.notify(users, None, "您的举报有新进展", "请到「我的举报」查看。", email=False)

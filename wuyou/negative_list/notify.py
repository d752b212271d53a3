"""Who hears about reports. Texts never carry the reporter's identity; texts to departments never name a
report (only "核实事项" with its own number); texts to reporters never carry the report number (the
notification row is linked to their account, the identity is not, so a reporter's row has no subject).

Rows go into the inbox and outbox of wuyou.notifications in the caller's transaction."""

from django.contrib.auth.models import Permission
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wuyou.notifications import kinds
from wuyou.notifications.services import notify
from wuyou.orgs.models import Role, User

# One preference covers the negative list; the finer kinds below are kept on the rows.
KIND = kinds.register("report", _("负面清单举报"))


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


def department_users(department_id, roles=(Role.DEPT_HANDLER, Role.DEPT_LEADER)):
    if department_id is None:
        return User.objects.none()
    return User.objects.filter(department_id=department_id, role__in=roles, is_active=True)


def to_investigators(title: str, body: str = "", *, email: bool = True, subject: str = ""):
    notify(
        investigators(),
        title=title,
        body=body,
        link=reverse("nl_center_list"),
        subject=subject,
        kind="report.investigate",
        email=email,
    )


def to_department(
    department_id: int, title: str, body: str = "", roles=(Role.DEPT_HANDLER, Role.DEPT_LEADER)
):
    notify(
        department_users(department_id, roles=roles),
        title=title,
        body=body,
        link=reverse("nl_dept_requests"),
        kind="report.verify",
    )


def to_jw(title: str, body: str = ""):
    notify(
        User.objects.filter(department__code="jw", is_active=True),
        title=title,
        body=body,
        link=reverse("nl_dept_requests"),
        kind="report.referral",
    )


def to_reporter_account(user_id: int | None):
    if user_id:
        notify(
            User.objects.filter(pk=user_id, is_active=True),
            title="您的举报有新进展",
            body="请到「我的举报」查看。",
            link=reverse("nl_my_reports"),
            kind="report.progress",
            email=False,
        )

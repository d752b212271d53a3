"""Who hears about what in the appeals loop. Delivery is the notifications app's
(wuyou.notifications.services.notify): inbox and outbox rows in the caller's transaction."""

from django.utils.translation import gettext_lazy as _

from wuyou.notifications import kinds
from wuyou.notifications import services as notifications
from wuyou.orgs.models import Role, User

from .models import Appeal

# Every appeals notification is this kind unless a caller names a finer one ("appeal.escalate"):
# a preference for "appeal" covers them all.
KIND = kinds.register("appeal", _("诉求办理"))


def department_users(department_id, roles=(Role.DEPT_HANDLER, Role.DEPT_LEADER)):
    if department_id is None:
        return User.objects.none()
    return User.objects.filter(department_id=department_id, role__in=roles, is_active=True)


def role_users(*roles):
    return User.objects.filter(role__in=roles, is_active=True)


def enterprise_users(appeal: Appeal):
    return User.objects.filter(enterprise_id=appeal.enterprise_id, is_active=True)


def appeal_link(appeal_id: int) -> str:
    # The path of appeal_detail, written out: the sweeps build tens of thousands per run, and
    # the 0002 data migration of wuyou.notifications writes the same form for older rows.
    return f"/appeals/{appeal_id}/"


def appeal_subject(appeal_id: int) -> str:
    return f"appeal:{appeal_id}"


def notify(
    users,
    appeal: Appeal | None,
    title: str,
    body: str = "",
    *,
    email: bool = True,
    sms_to: str = "",
    kind: str = KIND,
):
    notifications.notify(
        users,
        title=title,
        body=body,
        link=appeal_link(appeal.pk) if appeal else "",
        subject=appeal_subject(appeal.pk) if appeal else "",
        kind=kind,
        email=email,
        sms_to=sms_to,
    )


def link_text(appeal: Appeal) -> str:
    return f"诉求 {appeal.number}「{appeal.title}」"

"""Who hears about what in the appeals loop. Delivery is the notifications app's
(wuyou.notifications.services.notify): inbox and outbox rows in the caller's transaction."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wuyou.notifications import kinds
from wuyou.notifications import services as notifications
from wuyou.orgs.models import Role, User

from .following import followers
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


def enterprise_side_users(appeal: Appeal):
    """The enterprise's users and the cadre who filed for it: those who may answer for the enterprise."""
    filed_by_cadre = Q(pk=appeal.created_by_id, role=Role.CADRE) if appeal.created_by_id else Q(pk__in=[])
    return User.objects.filter(Q(enterprise_id=appeal.enterprise_id) | filed_by_cadre, is_active=True)


def appeal_link(appeal_id: int, anchor: str = "") -> str:
    # The path of appeal_detail, written out: the sweeps build tens of thousands per run, and
    # the 0002 data migration of wuyou.notifications writes the same form for older rows.
    # `anchor`: the part of the page where the notification's action is taken (ANCHORS).
    return f"/appeals/{appeal_id}/" + (f"#{anchor}" if anchor else "")


# Places on the appeal page a notification may lead to (ids in templates/appeals/detail.html).
SUPPLY_FORM = "act-supply"  # the enterprise's 补充材料 form, open while the appeal is paused
TIMELINE = "timeline"  # the 办理过程, where the supplied material shows
ANCHORS = frozenset({SUPPLY_FORM, TIMELINE})


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
    anchor: str = "",
):
    assert not anchor or anchor in ANCHORS, anchor
    notifications.notify(
        users,
        title=title,
        body=body,
        link=appeal_link(appeal.pk, anchor) if appeal else "",
        subject=appeal_subject(appeal.pk) if appeal else "",
        kind=kind,
        email=email,
        sms_to=sms_to,
    )
    if appeal is not None and sms_to:
        text_followers(appeal, title, sms_to)


def text_followers(appeal: Appeal, title: str, sent_to: str) -> None:
    """「我也遇到」: a text to the appeal's contact (its reply, a request for material) also goes to the
    phones of those who follow it (appeals.following) — they asked to hear, and the inbox row already
    reaches them as users of the enterprise. Only their own numbers: never the contact's to them."""
    phones = set(followers(appeal).exclude(phone="").values_list("phone", flat=True)) - {sent_to}
    for phone in sorted(phones):
        notifications.notify([], title=title, kind=KIND, email=False, sms_to=phone)


def link_text(appeal: Appeal) -> str:
    return f"诉求 {appeal.number}「{appeal.title}」"

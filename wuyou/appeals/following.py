"""「我也遇到」(issue 10, item 11): an enterprise user who meets an existing appeal among the similar ones at
intake follows it instead of filing the same problem again, and hears what its enterprise hears.

Who may follow is the visibility rule and nothing wider: an enterprise user, of the appeal's own enterprise
(visible_appeals already gives an enterprise user only those), on an appeal still being handled, not one
they filed themselves. Everyone else who cannot see the appeal gets the same 404 as for an appeal that does
not exist, so another enterprise learns nothing. Another enterprise with the same problem files its own
appeal: the center's 批量诉求 clusters (wuyou.dispatch) link those and answer them together.

Following is not a state change of the appeal (no Event, no timeline entry the department would read as a
step); the writes are audited in the kernel's administrative chain."""

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from wuyou.core.audit import record_change
from wuyou.core.errors import Forbidden, InvalidInput
from wuyou.orgs.access import ENTERPRISE, has_role
from wuyou.orgs.models import User

from .models import OPEN_STATUSES, Appeal, Follower
from .steps import lock_appeal

NOT_ENTERPRISE = "只有诉求所属企业的用户可以关注诉求"
OWN_APPEAL = "这是您提交的诉求，办理结果会直接通知您，无需关注"
NOT_OPEN = "诉求当前状态为「%(status)s」，已不再办理，无需关注"


def may_follow(user, appeal: Appeal) -> bool:
    """Whether the 「我也遇到」 button is shown: the service checks the same, and the visibility rule first."""
    return (
        has_role(user, ENTERPRISE)
        and user.enterprise_id is not None
        and user.enterprise_id == appeal.enterprise_id
        and appeal.created_by_id != user.pk
        and appeal.status in OPEN_STATUSES
    )


def is_following(user, appeal: Appeal) -> bool:
    return Follower.objects.filter(appeal=appeal, user=user).exists()


def follower_count(appeal: Appeal) -> int:
    return Follower.objects.filter(appeal=appeal).count()


def followers(appeal: Appeal) -> QuerySet[User]:
    """The active users following the appeal who still belong to its enterprise (so still may see it)."""
    return User.objects.filter(
        pk__in=Follower.objects.filter(appeal=appeal).values("user_id"),
        enterprise_id=appeal.enterprise_id,
        is_active=True,
    )


def _check(by, appeal: Appeal) -> None:
    if not has_role(by, ENTERPRISE) or by.enterprise_id != appeal.enterprise_id:
        raise Forbidden(NOT_ENTERPRISE, code="forbidden")


def _audit(by, appeal: Appeal, action: str) -> None:
    record_change(
        by=by,
        action=action,
        subject=("appeals.appeal", appeal.pk, f"诉求 {appeal.number}"),
        after={"appeal": appeal.number, "follower": by.username},
    )


@transaction.atomic
def follow(*, appeal_id: int, by) -> Follower:
    """404 for who cannot see the appeal (before anything else), 403 for who sees it but is not of its
    enterprise, then the appeal's own reasons (the filer, a finished appeal). Following twice is one row."""
    appeal = lock_appeal(appeal_id, by)
    _check(by, appeal)
    if appeal.created_by_id == by.pk:
        raise InvalidInput(OWN_APPEAL, code="own_appeal")
    if appeal.status not in OPEN_STATUSES:
        raise InvalidInput(NOT_OPEN % {"status": appeal.get_status_display()}, code="not_open")
    existing = Follower.objects.filter(appeal=appeal, user=by).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            row = Follower.objects.create(
                appeal=appeal, enterprise_id=by.enterprise_id, user=by, created_at=timezone.now()
            )
    except IntegrityError:  # the appeal row is locked, so only a second tab of the same user gets here
        return Follower.objects.get(appeal=appeal, user=by)
    _audit(by, appeal, "appeal.follow")
    return row


@transaction.atomic
def unfollow(*, appeal_id: int, by) -> bool:
    """Stop following; True when a follow was removed. Not following is no error (a second tab)."""
    appeal = lock_appeal(appeal_id, by)
    _check(by, appeal)
    deleted, _rows = Follower.objects.filter(appeal=appeal, user=by).delete()
    if deleted:
        _audit(by, appeal, "appeal.unfollow")
    return bool(deleted)

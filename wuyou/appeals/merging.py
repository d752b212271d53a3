"""Merging (合并) a duplicate appeal into another and undoing it. Both appeals' chains record the step."""

from django.db import transaction

from wuyou.core.errors import InvalidInput, InvalidTransition
from wuyou.core.inputs import MAX_INT

from .audit import record_event
from .models import Action, Appeal, Status
from .steps import begin, transition


@transaction.atomic
def appeal_merge(*, appeal_id: int, by, into: int):
    try:
        into = int(into)
    except (TypeError, ValueError):
        raise InvalidInput("合并目标必须是诉求编号(id)", code="invalid_target") from None
    if into == appeal_id:
        raise InvalidInput("不能合并到自身", code="invalid_target")
    if not 0 < into <= MAX_INT:
        raise InvalidInput("合并目标诉求不存在", code="invalid_target")
    # Lock both rows in id order so two merges in opposite directions cannot deadlock.
    for pk in sorted([appeal_id, into]):
        Appeal.objects.select_for_update().filter(pk=pk).first()
    appeal, _ = begin(appeal_id, by, Action.MERGE, into=into)
    target = Appeal.objects.filter(pk=into).first()
    if target is None:
        raise InvalidInput("合并目标诉求不存在", code="invalid_target")
    if target.status in (Status.MERGED, Status.WITHDRAWN, Status.REJECTED):
        raise InvalidTransition(
            f"目标诉求状态为「{Status(target.status).label}」，不能合并进去", code="invalid_target"
        )
    if Appeal.objects.filter(merged_into=appeal).exists():
        raise InvalidTransition("该诉求已有其他诉求合并进来，请先撤销那些合并", code="has_merged")
    appeal.status_before_merge = appeal.status
    appeal.merged_into = target
    transition(
        appeal,
        Action.MERGE,
        by,
        fields=["merged_into", "status_before_merge"],
        note=f"合并到 {target.number}",
        data={"into": target.pk},
    )
    record_event(
        target,
        Action.MERGE,
        by=by,
        before=target.status,
        note=f"{appeal.number} 合并进来",
        data={"merged": appeal.pk},
    )
    return appeal


@transaction.atomic
def appeal_unmerge(*, appeal_id: int, by):
    appeal, _ = begin(appeal_id, by, Action.UNMERGE)
    target = appeal.merged_into
    back = appeal.status_before_merge or Status.SUBMITTED
    appeal.merged_into, appeal.status_before_merge = None, ""
    transition(
        appeal,
        Action.UNMERGE,
        by,
        fields=["merged_into", "status_before_merge"],
        note=f"撤销合并（原合并到 {target.number}）",
        data={"from": target.pk},
        inputs={"back": back},
    )
    Appeal.objects.select_for_update().filter(pk=target.pk).first()
    record_event(
        target,
        Action.UNMERGE,
        by=by,
        before=target.status,
        note=f"{appeal.number} 已撤销合并",
        data={"unmerged": appeal.pk},
    )
    return appeal

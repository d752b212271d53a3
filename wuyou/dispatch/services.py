"""Every write of the dispatch module: model versions, auto-dispatch rules, clusters and coordinated cases.

Appeal state only ever changes through wuyou.appeals.services; cluster actions are audited in our own
ClusterEvent table.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from wuyou.appeals.models import Category, Status
from wuyou.appeals.selectors import visible_appeals
from wuyou.appeals.services import appeal_dispatch, appeal_reply
from wuyou.core.audit import record_change, snapshot
from wuyou.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from wuyou.notifications.services import notify
from wuyou.orgs.access import DEPT
from wuyou.orgs.models import Department, User

from . import engine, learned, selectors
from .models import AutoDispatchRule, Cluster, ClusterEvent, ClusterMember, DispatchState, ModelVersion
from .notify import CLUSTER_DETECTED
from .transitions import FLOW, record


def _require_center(by) -> None:
    if not selectors.is_center(by):
        raise Forbidden("只有协调中心可以执行此操作", code="forbidden")


# ---------------------------------------------------------------- models


def train_model(*, by=None, examples=None, note: str = "", activate: bool = True, now=None) -> ModelVersion:
    """Fit on the appeals history (or the given examples) plus the current catalogue and store a version.
    Slow (seconds): called by the worker and the command, never from a request."""
    now = now or timezone.now()
    examples = selectors.training_examples() if examples is None else examples
    cat = engine.current_catalogue()
    model = learned.fit(cat, examples)
    blob = engine.dump_learned(model)
    with transaction.atomic():
        version = ModelVersion.objects.create(
            created_at=now,
            created_by=by,
            n_train=model.metrics["n_train"],
            n_returns=sum(1 for e in examples if e.returned_by),
            metrics=model.metrics,
            blob=blob,
            note=note[:200],
        )
        if activate:
            _activate(version)
        state = DispatchState.get()
        state.last_trained_at = now
        state.labelled_at_train = model.metrics["n_train"]
        state.train_requested_at = None
        state.training_started_at = None
        state.save()
    return version


def _activate(version: ModelVersion | None) -> None:
    ModelVersion.objects.filter(is_active=True).update(is_active=False)
    if version is not None:
        ModelVersion.objects.filter(pk=version.pk).update(is_active=True)


@transaction.atomic
def activate_version(*, version_id: int, by) -> ModelVersion:
    _require_center(by)
    version = ModelVersion.objects.select_for_update().filter(pk=version_id).first()
    if version is None:
        raise NotFound("模型版本不存在", code="not_found")
    before = ModelVersion.objects.filter(is_active=True).values_list("pk", flat=True).first()
    _activate(version)
    record_change(
        by=by,
        action="dispatch_model.activate",
        subject=version,
        before={"active": before},
        after={"active": version.pk},
    )
    return version


@transaction.atomic
def rollback(*, by=None) -> ModelVersion | None:
    """Activate the version trained before the active one; with none left, fall back to the catalogue alone."""
    if by is not None:
        _require_center(by)
    current = ModelVersion.objects.select_for_update().filter(is_active=True).first()
    if current is None:
        raise InvalidInput("当前已是仅依据部门职责的冷启动模型，无可回滚的版本", code="nothing_to_rollback")
    previous = (
        ModelVersion.objects.filter(created_at__lte=current.created_at)
        .exclude(pk=current.pk)
        .filter(id__lt=current.pk)
        .order_by("-created_at", "-id")
        .first()
    )
    _activate(previous)
    record_change(
        by=by,
        action="dispatch_model.rollback",
        subject=("dispatch.modelversion", current.pk, str(current)),
        before={"active": current.pk},
        after={"active": previous.pk if previous else None},
    )
    return previous


def request_training(*, by) -> None:
    _require_center(by)
    DispatchState.get()
    DispatchState.objects.filter(pk=1).update(train_requested_at=timezone.now())


@transaction.atomic
def set_auto_rule(*, by, category: str, enabled: bool, threshold: float) -> AutoDispatchRule:
    _require_center(by)
    if category not in Category.values:
        raise InvalidInput(f"类别无效：{category}", code="invalid_category")
    try:
        threshold = float(threshold)
    except (TypeError, ValueError):
        raise InvalidInput("阈值必须是 0.3 到 1 之间的数字", code="invalid_threshold") from None
    if not 0.3 <= threshold <= 1.0:
        raise InvalidInput("阈值必须是 0.3 到 1 之间的数字", code="invalid_threshold")
    rule, _ = AutoDispatchRule.objects.select_for_update().get_or_create(category=category)
    before = snapshot(rule, ("enabled", "threshold"))
    rule.enabled, rule.threshold, rule.updated_by, rule.updated_at = (
        bool(enabled),
        threshold,
        by,
        timezone.now(),
    )
    rule.save()
    record_change(
        by=by,
        action="auto_dispatch_rule.update",
        subject=rule,
        before=before,
        after=snapshot(rule, ("enabled", "threshold")),
    )
    return rule


# ---------------------------------------------------------------- clusters and coordinated cases


def _lock_cluster(cluster_id: int) -> Cluster:
    cluster = Cluster.objects.select_for_update().filter(pk=cluster_id).first()
    if cluster is None:
        raise NotFound("批量诉求不存在", code="not_found")
    return cluster


@transaction.atomic
def cluster_link(
    *,
    cluster_id: int,
    by,
    lead_department: str,
    appeal_ids: list[int] | None = None,
    dispatch_submitted: bool = False,
) -> dict:
    """One action: the detected cluster becomes a coordinated case with a lead department. Optionally the
    members still waiting for dispatch are dispatched to the lead department (through appeals' own service)."""
    _require_center(by)
    cluster = _lock_cluster(cluster_id)
    rule = FLOW.check(cluster, ClusterEvent.Action.LINK, by)
    lead = Department.objects.filter(code=(lead_department or "").strip(), is_active=True).first()
    if lead is None:
        raise InvalidInput(f"牵头部门编码不存在或已停用：{lead_department}", code="unknown_department")
    members = ClusterMember.objects.filter(cluster=cluster)
    if appeal_ids is not None:
        members.exclude(appeal_id__in=appeal_ids).delete()
    ids = list(members.values_list("appeal_id", flat=True))
    if len(ids) < 2:
        raise InvalidInput("并案至少需要两件诉求", code="too_few_members")
    taken = ClusterMember.objects.filter(appeal_id__in=ids, linked=True).exclude(cluster=cluster)
    if taken.exists():
        numbers = "、".join(taken.values_list("appeal__number", flat=True))
        raise InvalidInput(f"以下诉求已在其他并案中：{numbers}", code="already_linked")
    members.update(linked=True)
    cluster.status, cluster.lead_department = rule.to, lead
    cluster.linked_at, cluster.linked_by = timezone.now(), by
    cluster.save(update_fields=["status", "lead_department", "linked_at", "linked_by"])
    dispatched, skipped = [], []
    if dispatch_submitted:
        for appeal_id, number, status in members.values_list("appeal_id", "appeal__number", "appeal__status"):
            if status != Status.SUBMITTED:
                continue
            try:
                appeal_dispatch(
                    appeal_id=appeal_id, by=by, department=lead.code, note=f"批量诉求并案：{cluster.title}"
                )
                dispatched.append(number)
            except DomainError as exc:
                skipped.append({"number": number, "reason": exc.message})
    record(
        cluster,
        ClusterEvent.Action.LINK,
        by=by,
        data={"lead": lead.code, "appeals": sorted(ids), "dispatched": dispatched, "skipped": skipped},
    )
    notify(
        User.objects.filter(department=lead, role__in=DEPT, is_active=True),
        title=f"批量诉求并案牵头：{cluster.title}",
        body=f"共 {len(ids)} 件诉求。",
        link=reverse("dispatch_cluster", args=[cluster.pk]),
        subject=f"cluster:{cluster.pk}",
        kind=CLUSTER_DETECTED,
    )
    return {"dispatched": dispatched, "skipped": skipped}


@transaction.atomic
def cluster_unlink(*, cluster_id: int, by) -> Cluster:
    """Undo a link: the case goes back to a detected cluster. Appeal states are left exactly as they are."""
    _require_center(by)
    cluster = _lock_cluster(cluster_id)
    rule = FLOW.check(cluster, ClusterEvent.Action.UNLINK, by)
    lead = cluster.lead_department.code if cluster.lead_department else ""
    ClusterMember.objects.filter(cluster=cluster).update(linked=False)
    cluster.status, cluster.lead_department, cluster.linked_at, cluster.linked_by = (
        rule.to,
        None,
        None,
        None,
    )
    cluster.save(update_fields=["status", "lead_department", "linked_at", "linked_by"])
    record(cluster, ClusterEvent.Action.UNLINK, by=by, data={"lead": lead})
    return cluster


@transaction.atomic
def cluster_dismiss(*, cluster_id: int, by, note: str = "") -> Cluster:
    _require_center(by)
    cluster = _lock_cluster(cluster_id)
    cluster.status = FLOW.check(cluster, ClusterEvent.Action.DISMISS, by).to
    cluster.save(update_fields=["status"])
    record(cluster, ClusterEvent.Action.DISMISS, by=by, note=note.strip()[:500])
    return cluster


@transaction.atomic
def case_reply(*, cluster_id: int, by, result: str, content: str) -> dict:
    """The lead department replies once; each member appeal gets the reply through appeals' own reply action
    (its event, its rating clock, its enterprise notified). Members not in a state that allows a reply by
    this user are skipped and reported, never forced."""
    cluster = _lock_cluster(cluster_id)
    if not selectors.can_see_cluster(by, cluster):
        raise NotFound("批量诉求不存在", code="not_found")
    FLOW.check(cluster, ClusterEvent.Action.REPLY, by)
    content = FLOW.clean_inputs(ClusterEvent.Action.REPLY, {"content": content})["content"]
    replied, skipped = [], []
    members = ClusterMember.objects.filter(cluster=cluster).order_by("appeal_id")
    # A member the replier may not see (another department's) is reported to them without its number;
    # the cluster's own record keeps every number.
    seen = set(visible_appeals(by).filter(pk__in=members.values("appeal_id")).values_list("pk", flat=True))
    shown = []
    for appeal_id, number in members.values_list("appeal_id", "appeal__number"):
        try:
            with transaction.atomic():  # a refused member rolls back alone
                appeal_reply(appeal_id=appeal_id, by=by, result=result, content=content)
            replied.append(number)
        except DomainError as exc:
            skipped.append({"number": number, "reason": exc.message})
            shown.append(
                skipped[-1]
                if appeal_id in seen
                else {"number": "其他部门的诉求", "reason": "不在本部门办理范围"}
            )
    if not replied:
        # Nothing went out; say why instead of recording an empty reply.
        raise InvalidInput(
            "没有可答复的成员诉求：" + "；".join(f"{s['number']} {s['reason']}" for s in shown),
            code="nothing_replied",
        )
    record(
        cluster,
        ClusterEvent.Action.REPLY,
        by=by,
        note=content.strip()[:2000],
        data={"replied": replied, "skipped": skipped},
    )
    return {"replied": replied, "skipped": shown}

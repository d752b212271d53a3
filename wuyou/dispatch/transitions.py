"""The cluster workflow table (批量诉求 → 并案协调) and the cluster event chain."""

from wuyou.core.audit import Chain, register
from wuyou.core.workflow import Input, Rule, Workflow
from wuyou.orgs.access import CENTER, DEPT, role_of

from .models import Cluster, ClusterEvent

S = Cluster.Status
A = ClusterEvent.Action

CHAIN = register(
    Chain(
        "clusters",
        ClusterEvent,
        subject="cluster",
        fields=("action", "actor_id", "note", "data"),
        label="批量诉求",
    )
)


def lead_department(cluster: Cluster, user) -> bool:
    return cluster.lead_department_id is not None and cluster.lead_department_id == user.department_id


def rule(action, sources, **kw) -> Rule:
    return Rule(action, A(action).label, frozenset(sources), **kw)


FLOW = Workflow(
    "cluster",
    [
        rule(A.DETECT, {""}, to=S.DETECTED, system=True),
        rule(A.GROW, {S.DETECTED}, system=True),
        rule(
            A.LINK,
            {S.DETECTED},
            to=S.LINKED,
            roles=CENTER,
            inputs=(
                Input("lead_department", "牵头部门", max_len=40),
                Input("dispatch_submitted", "同时交办待交办的成员", kind="bool", default=False),
            ),
        ),
        rule(A.UNLINK, {S.LINKED}, to=S.DETECTED, roles=CENTER),
        rule(A.DISMISS, {S.DETECTED}, to=S.DISMISSED, roles=CENTER, inputs=(Input("note", "说明"),)),
        rule(
            A.REPLY,
            {S.LINKED},
            roles=DEPT,
            scope=lead_department,
            inputs=(
                Input("result", "办理结果", max_len=20),
                Input("content", "答复内容", required=True, max_len=5000),
            ),
        ),
    ],
    role_of=role_of,
    noun="批量诉求",
    state_label=lambda s: S(s).label if s in S.values else s,
)


def record(cluster: Cluster, action: str, *, by=None, note: str = "", data: dict | None = None, at=None):
    """Append to the cluster's chain; the caller holds the cluster's row lock or has just created it."""
    return CHAIN.append(
        cluster.pk,
        at=at,
        action=str(action),
        actor_id=by.pk if by is not None else None,
        note=note,
        data=data or {},
    )

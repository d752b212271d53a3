"""Cluster detection (批量诉求): several enterprises reporting the same problem within a window.

Run by the worker. Pairs are only compared inside a block of appeals sharing a problem kind, so a busy
day costs a few thousand comparisons, not millions. A component of same-problem pairs with at least
MIN_MEMBERS appeals from at least two enterprises becomes a detected cluster and the center is told.
"""

from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from wuyou.appeals.models import OPEN_STATUSES, Appeal
from wuyou.notifications.services import notify
from wuyou.orgs.models import Role, User

from . import similarity
from .models import Cluster, ClusterEvent, ClusterMember
from .notify import CLUSTER_DETECTED
from .selectors import appeal_text
from .transitions import record

WINDOW = timedelta(days=3)
MIN_MEMBERS = 3
MAX_SCAN = 3000


def _components(ids: list[int], edges: list[tuple[int, int]]) -> list[set[int]]:
    parent = {i: i for i in ids}

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in edges:
        parent[find(a)] = find(b)
    groups = defaultdict(set)
    for i in ids:
        groups[find(i)].add(i)
    return [g for g in groups.values() if len(g) >= 2]


def detect(now=None) -> int:
    """Create or grow clusters from recent open appeals; returns how many clusters were created or grown."""
    now = now or timezone.now()
    rows = list(
        Appeal.objects.filter(created_at__gte=now - WINDOW, status__in=OPEN_STATUSES)
        .order_by("-created_at")
        .values("id", "title", "content", "location", "enterprise_id", "created_at")[:MAX_SCAN]
    )
    feats = {r["id"]: similarity.features(appeal_text(_Row(r)), r["created_at"]) for r in rows}
    enterprise = {r["id"]: r["enterprise_id"] for r in rows}
    blocks = defaultdict(list)
    for pk, f in feats.items():
        for kind in f.kinds:
            blocks[kind].append(pk)
    edges, best_kind = set(), {}
    for kind, ids in blocks.items():
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                if (a, b) not in edges and similarity.pair_score(
                    feats[a], feats[b]
                ) >= similarity.SAME_PROBLEM_THRESHOLD:
                    edges.add((a, b))
                    best_kind.setdefault(a, kind)
                    best_kind.setdefault(b, kind)
    changed = 0
    for group in _components(list(feats), list(edges)):
        if len(group) < MIN_MEMBERS or len({enterprise[i] for i in group}) < 2:
            continue
        changed += _create_or_grow(group, feats, best_kind, now)
    return changed


class _Row:
    def __init__(self, d):
        self.title, self.content, self.location = d["title"], d["content"], d["location"]


@transaction.atomic
def _create_or_grow(group: set[int], feats, best_kind, now) -> int:
    active = [Cluster.Status.DETECTED, Cluster.Status.LINKED]
    taken = dict(
        ClusterMember.objects.filter(appeal_id__in=group, cluster__status__in=active).values_list(
            "appeal_id", "cluster_id"
        )
    )
    fresh = sorted(group - set(taken))
    if not fresh:
        return 0
    existing = (
        Cluster.objects.select_for_update()
        .filter(pk__in=set(taken.values()), status=Cluster.Status.DETECTED)
        .first()
    )
    if existing is not None:
        ClusterMember.objects.bulk_create([ClusterMember(cluster=existing, appeal_id=i) for i in fresh])
        record(existing, ClusterEvent.Action.GROW, data={"appeals": fresh})
        return 1
    if taken or len(fresh) < MIN_MEMBERS:
        # Already a coordinated case (the center adds to it by hand) or too few new ones.
        return 0
    places = set().union(*(feats[i].places for i in fresh))
    kind = max({best_kind.get(i, "") for i in fresh}, key=lambda k: sum(best_kind.get(i) == k for i in fresh))
    place = "、".join(sorted(places))[:50]
    title = f"{place or '多家企业'}·{similarity.kind_label(kind)}：{len(fresh)} 件同类诉求"
    cluster = Cluster.objects.create(title=title[:200], place=place, topic=kind[:50], created_at=now)
    ClusterMember.objects.bulk_create([ClusterMember(cluster=cluster, appeal_id=i) for i in fresh])
    record(cluster, ClusterEvent.Action.DETECT, data={"appeals": fresh})
    notify(
        User.objects.filter(role=Role.CENTER, is_active=True),
        title=f"发现批量诉求：{title}",
        body="请到「批量诉求」确认并案。",
        link=reverse("dispatch_cluster", args=[cluster.pk]),
        subject=f"cluster:{cluster.pk}",
        kind=CLUSTER_DETECTED,
    )
    return 1

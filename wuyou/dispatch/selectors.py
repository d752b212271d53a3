"""Reads: training data from the appeals history, suggestions and similar appeals for one user."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from wuyou.appeals.models import Action, Appeal, Event, Status
from wuyou.appeals.selectors import visible_appeals
from wuyou.appeals.transitions import available_actions
from wuyou.orgs.access import CENTER, DEPT, READ_ALL, STAFF, has_role

from . import engine, similarity
from .learned import Example
from .models import Cluster, ClusterMember
from .similarity import SAME_PROBLEM_THRESHOLD

# The department that finally handled an appeal is its label: it replied (and the appeal was not reopened).
LABELLED_STATUSES = [Status.REPLIED, Status.REVIEWING, Status.CLOSED]
SIMILAR_WINDOW = timedelta(days=30)
SIMILAR_CANDIDATES = 400
SIMILAR_SHOWN = 0.45  # shown as "similar"; at SAME_PROBLEM_THRESHOLD and above, "same problem"


def is_staff(user) -> bool:
    return has_role(user, STAFF)


def is_center(user) -> bool:
    return has_role(user, CENTER)


def appeal_text(appeal) -> str:
    return "\n".join(part for part in (appeal.title, appeal.content, appeal.location) if part)


def labelled_queryset():
    return Appeal.objects.filter(status__in=LABELLED_STATUSES, department__isnull=False)


def labelled_count() -> int:
    return labelled_queryset().count()


def training_examples() -> list[Example]:
    """Every labelled appeal (oldest first) plus appeals only known to have been returned."""
    returns: dict[int, list[str]] = {}
    for appeal_id, code in Event.objects.filter(action=Action.RETURN, department__isnull=False).values_list(
        "appeal_id", "department__code"
    ):
        returns.setdefault(appeal_id, []).append(code)
    rows = (
        Appeal.objects.filter(
            Q(status__in=LABELLED_STATUSES, department__isnull=False) | Q(pk__in=list(returns))
        )
        .order_by("created_at", "id")
        .values_list("id", "number", "title", "content", "location", "status", "department__code")
    )
    out = []
    for pk, number, title, content, location, status, code in rows.iterator(chunk_size=2000):
        label = code if status in LABELLED_STATUSES and code else ""
        text = "\n".join(p for p in (title, content, location) if p)
        # The final department may itself have returned it once before; that return is no evidence against.
        negatives = tuple(c for c in dict.fromkeys(returns.get(pk, ())) if c != label)
        out.append(Example(text=text, label=label, returned_by=negatives, ref=number))
    return out


def can_see_suggestions(user, appeal) -> bool:
    return Action.DISPATCH in available_actions(appeal, user)


def suggestions_for(appeal, user) -> list[engine.Suggestion]:
    """Suggestions with reasons for this caller: a cited past appeal is named only when the caller may
    see it (the appeals visibility rule, at read time); others are counted without their numbers."""
    found = engine.current_model().suggest(appeal_text(appeal))
    refs = {c.ref for s in found for c in s.cites if c.ref}
    visible = (
        set(visible_appeals(user).filter(number__in=refs).values_list("number", flat=True)) if refs else set()
    )
    return [s.for_caller(visible) for s in found]


def similar_for(user, *, appeal=None, text: str = "", limit: int = 5, now=None) -> list[tuple[Appeal, float]]:
    """Similar open or recent appeals this user may see, best first. Visibility is the appeals rule, so an
    enterprise user only ever meets its own enterprise's appeals (its repeats)."""
    now = now or timezone.now()
    if appeal is not None:
        text = appeal_text(appeal)
    if not text.strip():
        return []
    target = similarity.features(text, appeal.created_at if appeal else now)
    if not (target.kinds or target.places or len(target.grams) >= 4):
        return []
    qs = visible_appeals(user).filter(
        Q(created_at__gte=now - SIMILAR_WINDOW)
        | Q(status__in=[Status.SUBMITTED, Status.DISPATCHED, Status.IN_PROGRESS])
    )
    if appeal is not None:
        qs = qs.exclude(pk=appeal.pk)
    candidates = list(qs.select_related("enterprise").order_by("-created_at")[:SIMILAR_CANDIDATES])
    scored = []
    for other in candidates:
        s = similarity.pair_score(target, similarity.features(appeal_text(other), other.created_at))
        if s >= SIMILAR_SHOWN:
            scored.append((other, s))
    scored.sort(key=lambda pair: -pair[1])
    return scored[:limit]


def _ago(then, now) -> str:
    days = (timezone.localdate(now) - timezone.localdate(then)).days
    if days <= 0:
        return "今天"
    if days == 1:
        return "昨天"
    return f"{days} 天前"


def similar_in_words(text: str, other: Appeal, now=None) -> str:
    """Why `other` looks like the appeal being written, for the enterprise at intake: what the two share
    (the place, the kind of problem) and when, as 「栗雨工业园的停电诉求，3 天前」, never a score."""
    now = now or timezone.now()
    mine = similarity.features(text, now)
    theirs = similarity.features(appeal_text(other), other.created_at)
    places = sorted(mine.places & theirs.places) or sorted(mine.wide_places & theirs.wide_places)
    kinds = [similarity.kind_label(k) for k in sorted(mine.kinds & theirs.kinds)]
    where = f"同在{places[0]}的" if places else ("同类的" if kinds else "")
    what = f"{'、'.join(kinds[:2])}诉求" if kinds else "内容相近的诉求"
    return f"{where}{what}，{_ago(other.created_at, now)}"


def similar_at_intake(user, text: str, limit: int = 3) -> list[tuple[Appeal, str]]:
    """Only confident matches while an enterprise writes an appeal (the same problem, by the score the
    dispatch tuning set), each with its reason in words."""
    found = similar_for(user, text=text, limit=limit)
    return [(o, similar_in_words(text, o)) for o, score in found if score >= SAME_PROBLEM_THRESHOLD]


def clusters_for_appeal(appeal_id: int):
    return Cluster.objects.filter(
        members__appeal_id=appeal_id, status__in=[Cluster.Status.DETECTED, Cluster.Status.LINKED]
    ).select_related("lead_department")


def can_see_cluster(user, cluster: Cluster) -> bool:
    if has_role(user, READ_ALL):
        return True
    return (
        has_role(user, DEPT)
        and cluster.status == Cluster.Status.LINKED
        and cluster.lead_department_id is not None
        and cluster.lead_department_id == user.department_id
    )


def visible_clusters(user):
    qs = Cluster.objects.select_related("lead_department")
    if has_role(user, READ_ALL):
        return qs
    if has_role(user, DEPT) and user.department_id:
        return qs.filter(status=Cluster.Status.LINKED, lead_department_id=user.department_id)
    return qs.none()


def cluster_members(cluster: Cluster, user):
    ids = ClusterMember.objects.filter(cluster=cluster).values_list("appeal_id", flat=True)
    return (
        visible_appeals(user)
        .filter(pk__in=ids)
        .select_related("enterprise", "department")
        .order_by("created_at")
    )

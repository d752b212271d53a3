"""Chinese full-text search over list items: the query is segmented with jieba and each term matched with
icontains (works the same on SQLite and PostgreSQL); items are ranked by how many terms they contain."""

import re

import jieba
from django.db.models import Q

from .models import Item

STOP = set("的 了 和 与 或 及 等 是 在 对 把 被 为 以 要求 企业 我 我们 他们 什么 怎么 吗 呢".split())
MAX_TERMS = 12


def terms(query: str) -> list[str]:
    query = (query or "").strip()[:100]
    if not query:
        return []
    out = []
    for t in jieba.cut_for_search(query):
        t = t.strip()
        if not t or t in STOP or re.fullmatch(r"[\W_]+", t):
            continue
        # Single Han characters match almost everything; keep them only when the query is one character.
        if len(t) == 1 and re.match(r"[\u4e00-\u9fff]", t) and len(query) > 1:
            continue
        if t not in out:
            out.append(t)
    if not out and query:
        out = [query]
    return out[:MAX_TERMS]


def search_items(version, query: str):
    """Items of `version` matching the query, best first (a list)."""
    words = terms(query)
    if not words:
        return []
    cond = Q()
    for w in words:
        cond |= Q(behaviour__icontains=w) | Q(basis__icontains=w) | Q(notes__icontains=w) | Q(code__iexact=w)
        cond |= Q(domain__name__icontains=w) | Q(domain__category__name__icontains=w)
    qs = (
        Item.objects.filter(version=version)
        .filter(cond)
        .select_related("domain__category")
        .prefetch_related("departments")
        .distinct()
    )

    def score(it):
        text = f"{it.behaviour} {it.domain.name} {it.domain.category.name} {it.basis} {it.notes}".lower()
        return (
            -sum(2 if w.lower() in it.behaviour.lower() else 1 for w in words if w.lower() in text),
            it.position,
        )

    return sorted(qs, key=score)

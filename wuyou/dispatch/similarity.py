"""Same-problem detection: what an appeal is about, not how it is worded.

Twenty enterprises describe one park's power cut in twenty ways, so shared wording is weak evidence.
We extract structured features — the place (park, road, district), the problem kind and its service
(power, water, gas, network, road, air, tax system …) and the time — and score a pair mostly on those,
with character overlap as a tie-breaker. Different places or different services count against.
"""

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache

from .text import DATA_DIR, expand

SAME_PROBLEM_THRESHOLD = 0.6
WINDOW = timedelta(days=3)
# Problems that are not tied to a place: a system outage or a subsidy batch is "the same place" for all.
NON_LOCAL_SERVICES = frozenset({"tax", "subsidy"})
CJK = re.compile(r"[\u4e00-\u9fff]+")
ASCII = re.compile(r"[a-z]{3,}")


@dataclass(frozen=True)
class Features:
    places: frozenset
    wide_places: frozenset
    kinds: frozenset
    services: frozenset
    grams: frozenset
    at: datetime | None = None

    def label(self) -> tuple[str, str]:
        return "、".join(sorted(self.places)), "、".join(kind_label(k) for k in sorted(self.kinds))


@lru_cache(maxsize=1)
def gazetteer() -> tuple[list[tuple[str, str]], dict[str, str]]:
    aliases, parents = [], {}
    for line in (DATA_DIR / "places.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or "=" not in line:
            continue
        head, rest = line.split("=", 1)
        name, _, parent = (part.strip() for part in head.partition("<"))
        if parent:
            parents[name] = parent
        aliases.extend((alias, name) for alias in rest.split() if alias)
        aliases.extend((f"{a} {b}", name) for a, b in [tuple(rest.split()[-1:] * 2)] if a.isascii())
    return sorted(set(aliases), key=lambda a: -len(a[0])), parents


@lru_cache(maxsize=1)
def kinds_table() -> list[tuple[str, list[list[str]]]]:
    table = []
    for line in (DATA_DIR / "topics.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or "=" not in line:
            continue
        head, rest = line.split("=", 1)
        kind, _, label = head.strip().partition(" ")
        KIND_LABELS[kind] = label.strip() or kind
        table.append((kind, [alt.split("+") for alt in rest.split()]))
    return table


KIND_LABELS: dict[str, str] = {}


def kind_label(kind: str) -> str:
    kinds_table()
    return KIND_LABELS.get(kind, kind)


def _places(text: str) -> tuple[frozenset, frozenset]:
    aliases, parents = gazetteer()
    found, spans = set(), []
    for alias, name in aliases:
        start = text.find(alias)
        # Longest alias first; a shorter alias inside an already matched one adds nothing.
        if start >= 0 and not any(s <= start < e for s, e in spans):
            spans.append((start, start + len(alias)))
            found.add(name)
    specific = {p for p in found if p not in {parents.get(q) for q in found}}
    wide = set(found) | {parents[p] for p in found if p in parents}
    return frozenset(specific), frozenset(wide)


def _kinds(text: str) -> frozenset:
    return frozenset(kind for kind, alts in kinds_table() if any(all(w in text for w in alt) for alt in alts))


def features(text: str, at: datetime | None = None) -> Features:
    # Pages compare one appeal with hundreds of recent ones; their features repeat from view to view.
    return replace(_text_features(text), at=at)


@lru_cache(maxsize=8192)
def _text_features(text: str) -> Features:
    t = expand(text)
    specific, wide = _places(t)
    kinds = _kinds(t)
    grams = {run[i : i + 2] for run in CJK.findall(t) for i in range(len(run) - 1)} | set(ASCII.findall(t))
    return Features(specific, wide, kinds, frozenset(k.split(".")[0] for k in kinds), frozenset(grams))


def pair_score(a: Features, b: Features) -> float:
    s = 0.0
    if a.kinds and b.kinds:
        if a.kinds & b.kinds:
            s += 0.45
        elif a.services & b.services:
            s += 0.05  # same utility, different fault (停电 vs 电压不稳): usually two problems
        else:
            s -= 0.4
    if a.places and b.places:
        if a.places & b.places:
            s += 0.35
        elif a.places & b.wide_places or b.places & a.wide_places:
            s += 0.2
        else:
            s -= 0.5
    elif (
        not a.places
        and not b.places
        and a.kinds & b.kinds
        and (a.services | b.services) <= NON_LOCAL_SERVICES
    ):
        s += 0.3
    if a.grams and b.grams:
        s += 0.35 * len(a.grams & b.grams) / (len(a.grams) * len(b.grams)) ** 0.5
    if a.at and b.at and abs(a.at - b.at) > WINDOW:
        s -= 0.5
    return round(s, 4)


class Scorer:
    """The interface evaluation.pairwise expects."""

    features = staticmethod(features)
    pair_score = staticmethod(pair_score)

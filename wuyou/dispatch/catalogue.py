"""Cold-start scorer: which department's catalogue entry (职责, 关键词, 名称) does the appeal speak of?

Built from the Department rows staff edit, so an edited keyword counts at the next rebuild. A matched term
adds its source weight × how specific it is (idf over departments, longer terms more). A district
government is the place-based fallback: its place names only count together with a local-matter term,
so "栗雨工业园停电" goes to the utility and "栗雨工业园道路破损" to the district.
"""

import math
import re
from dataclasses import dataclass, field

import numpy as np

from .text import add_words, contains_term, expand, normalize, words

KEYWORD_WEIGHT = 1.0
NAME_WEIGHT = 0.8
DUTY_WEIGHT = 0.3
PLACE_BONUS = 1.2
# Score of the "nothing fits" pseudo-department: with only weak matches most mass stays there.
NONE_SCORE = 1.5
TEMPERATURE = 0.8

NAME_NOISE = re.compile(r"株洲市?|国家税务总局|人民政府|有限公司|委员会|[()（）]|^市")
GENERIC_NAME_WORDS = frozenset(
    "市 局 公司 中心 管理 人民 政府 集团 国家 总局 分行 支队 委员会 和 事务".split()
)
# Sentences that name someone else's duty ("… 由住建部门负责，不在此处办理") or exclusions ("不含 …").
NEGATED = re.compile(r"[^。]*不在此处办理[^。]*。?|（不含[^）]*）|\(不含[^)]*\)")
SPLIT = re.compile(r"[,，、;；\s]+")


@dataclass
class Catalogue:
    codes: list[str]
    names: dict[str, str]
    # term → [(department index, source weight)]
    terms: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)
    # place term → district department index
    places: dict[str, int] = field(default_factory=dict)
    district: np.ndarray | None = None
    fingerprint: str = ""

    @property
    def n(self) -> int:
        return len(self.codes)


def _add(bucket: dict, term: str, weight: float) -> None:
    term = normalize(term)
    if len(term) < 2 or (term.isascii() and len(term) < 2):
        return
    bucket[term] = max(bucket.get(term, 0.0), weight)


def build(departments: list[dict], fingerprint: str = "") -> Catalogue:
    """departments: dicts with code, name, kind, responsibility, keywords (active ones only)."""
    cat = Catalogue(codes=[d["code"] for d in departments], names={d["code"]: d["name"] for d in departments})
    keyword_lists = [[k for k in SPLIT.split(normalize(d.get("keywords") or "")) if k] for d in departments]
    add_words(k for ks in keyword_lists for k in ks)
    per_dept: list[dict[str, float]] = []
    for d, keywords in zip(departments, keyword_lists, strict=True):
        bucket: dict[str, float] = {}
        for word in words(normalize(NEGATED.sub("", d.get("responsibility") or ""))):
            _add(bucket, word, DUTY_WEIGHT)
        short = NAME_NOISE.sub("", normalize(d["name"]))
        _add(bucket, short, KEYWORD_WEIGHT)
        for word in words(short):
            if word not in GENERIC_NAME_WORDS:
                _add(bucket, word, NAME_WEIGHT)
        for k in keywords:
            _add(bucket, k, KEYWORD_WEIGHT)
        per_dept.append(bucket)

    # A district's own names (in no other district's entry) are places; shared ones (征拆, 园区配套) are
    # the local matters every district handles.
    is_district = np.array([d.get("kind") == "district" for d in departments])
    cat.district = is_district
    district_df: dict[str, int] = {}
    for i, bucket in enumerate(per_dept):
        if is_district[i]:
            for t in bucket:
                district_df[t] = district_df.get(t, 0) + 1
    for i, bucket in enumerate(per_dept):
        if not is_district[i]:
            continue
        for t in list(bucket):
            if district_df[t] == 1 and bucket[t] >= NAME_WEIGHT:
                cat.places[t] = i
                del bucket[t]

    df: dict[str, int] = {}
    for bucket in per_dept:
        for t in bucket:
            df[t] = df.get(t, 0) + 1
    for i, bucket in enumerate(per_dept):
        for t, w in bucket.items():
            cat.terms.setdefault(t, []).append((i, w))
    n = len(departments)
    cat.idf = {t: math.log(1 + n / c) for t, c in df.items()}
    cat.fingerprint = fingerprint
    return cat


def _maximal(matched: list[str]) -> list[str]:
    # Longest match wins: "消防验收" must not also count as the fire brigade's "消防".
    return [t for t in matched if not any(t != o and t in o for o in matched)]


def _length_factor(term: str) -> float:
    units = len(term) / 3 if term.isascii() else len(term)
    return 0.5 + 0.25 * min(units, 4)


def score(cat: Catalogue, text: str, *, expanded: str | None = None):
    """Raw scores per department and the terms behind them: (np.ndarray, {index: [(term, contribution)]})."""
    t = expanded if expanded is not None else expand(text)
    places = _maximal([p for p in cat.places if contains_term(t, p)])
    # A place name swallows the words inside it: "炎陵工业集中区" says nothing about 工业 (industry policy).
    matched = [
        term
        for term in _maximal([term for term in cat.terms if contains_term(t, term)])
        if not any(term in p for p in places)
    ]
    scores = np.zeros(cat.n)
    why: dict[int, list[tuple[str, float]]] = {}
    for term in matched:
        base = cat.idf[term] * _length_factor(term)
        for i, w in cat.terms[term]:
            scores[i] += w * base
            why.setdefault(i, []).append((term, w * base))
    place_hit = np.zeros(cat.n, dtype=bool)
    for term in places:
        i = cat.places[term]
        place_hit[i] = True
        why.setdefault(i, []).append((term, PLACE_BONUS))
    if cat.district is not None and cat.district.any():
        local = scores * cat.district
        scores = np.where(cat.district, np.where(place_hit, local + PLACE_BONUS, local * 0.25), scores)
    return scores, why


def probabilities(scores: np.ndarray, temperature: float = TEMPERATURE) -> np.ndarray:
    """Softmax over departments plus a 'nothing fits' entry (last); sums to 1."""
    z = np.append(scores, NONE_SCORE) / temperature
    z = np.exp(z - z.max())
    return z / z.sum()

"""The dispatch model at run time: catalogue scorer + optional learned part, cached per process.

Requests only ever load a stored model (never train). The catalogue is re-read at most every
CATALOGUE_TTL seconds and rebuilt only when its fingerprint changed; the active model version is checked
with one indexed query per call, so a rollback takes effect on the next suggestion in every process.
"""

import hashlib
import pickle
import threading
import time
import zlib
from dataclasses import dataclass, field

import numpy as np

from . import catalogue as cat_mod
from .learned import RETURN_PENALTY, Learned
from .text import expand

# Below this the top department is not worth showing: "no confident suggestion".
MIN_CONFIDENCE = 0.2
CATALOGUE_TTL = 30.0


@dataclass(frozen=True)
class Cite:
    """A past appeal a reason rests on. Reasons are rendered per caller (`cite_reasons`): a caller who may
    not see that appeal learns that similar appeals exist, never their numbers."""

    ref: str  # appeal number, "" for memories kept without one
    returned: bool  # True: the department sent it back; False: the department handled it
    sim: float


def cite_reasons(cites: list[Cite], visible: frozenset | set = frozenset()) -> list[str]:
    """Cited appeals as reasons: by number when in `visible`, otherwise counted without numbers."""
    out, hidden = [], {False: [], True: []}
    for c in cites:
        verb = "曾被该部门退回" if c.returned else "由该部门办理"
        if c.ref and c.ref in visible:
            out.append(f"相似诉求 {c.ref} {verb}（相似度 {c.sim:.2f}）")
        else:
            hidden[c.returned].append(c.sim)
    for returned, sims in hidden.items():
        if sims:
            verb = "曾被该部门退回" if returned else "由该部门办理"
            best = f"相似度 {sims[0]:.2f}" if len(sims) == 1 else f"最高相似度 {max(sims):.2f}"
            out.append(f"{len(sims)} 件相似诉求{verb}（{best}）")
    return out


@dataclass
class Suggestion:
    department: str
    name: str
    score: float
    reasons: list[str] = field(default_factory=list)  # keyword reasons (about the text itself)
    cites: list[Cite] = field(default_factory=list)  # past appeals, rendered per caller

    def for_caller(self, visible: frozenset | set = frozenset()) -> "Suggestion":
        """This suggestion with its cited appeals rendered for a caller who may see `visible` numbers."""
        return Suggestion(
            self.department, self.name, self.score, self.reasons + cite_reasons(self.cites, visible)
        )

    def as_dict(self) -> dict:
        # Cites not rendered by for_caller() go out without numbers: the safe default.
        reasons = self.reasons + cite_reasons(self.cites)
        return {"department": self.department, "score": round(self.score, 3), "reasons": reasons}


@dataclass
class Ranking:
    codes: list[str]
    probs: np.ndarray  # per department, sums with none_prob to 1
    none_prob: float
    reasons: dict[int, list[str]]
    cites: dict[int, list[Cite]] = field(default_factory=dict)

    def order(self) -> list[int]:
        return list(np.argsort(-self.probs, kind="stable"))

    def top(self, k: int = 3) -> list[str]:
        return [self.codes[i] for i in self.order()[:k]]

    @property
    def confident(self) -> bool:
        best = float(self.probs.max()) if len(self.probs) else 0.0
        return best >= MIN_CONFIDENCE and best > self.none_prob


class Model:
    def __init__(self, cat: cat_mod.Catalogue, learned: Learned | None = None, version_id: int | None = None):
        self.cat, self.learned, self.version_id = cat, learned, version_id

    def rank(self, text: str) -> Ranking:
        expanded = expand(text)
        scores, why = cat_mod.score(self.cat, text, expanded=expanded)
        p_cat = cat_mod.probabilities(scores)
        reasons: dict[int, list[str]] = {}
        for i, terms in why.items():
            top_terms = [t for t, _ in sorted(terms, key=lambda tc: -tc[1])[:4]]
            reasons[i] = [f"关键词：{'、'.join(top_terms)}"]
        if self.learned is None:
            return Ranking(self.cat.codes, p_cat[:-1], float(p_cat[-1]), reasons)
        a = self.learned.alpha
        p_lr, x = self.learned.proba(expanded, self.cat.codes)
        probs = a * p_cat[:-1] + (1 - a) * p_lr
        none_prob = a * float(p_cat[-1])
        index = {c: i for i, c in enumerate(self.cat.codes)}
        cites: dict[int, list[Cite]] = {}
        for j, sim in self.learned.neighbours(x):
            # The model is shared by every caller: it keeps the number, the caller's read renders it.
            ref = self.learned.memory_refs[j]
            label = self.learned.memory_labels[j]
            if label in index:
                cites.setdefault(index[label], []).append(Cite(ref, False, sim))
            for code in self.learned.memory_returns[j]:
                if code in index:
                    # Evidence against: a department that sent back an appeal like this one.
                    probs[index[code]] *= 1 - RETURN_PENALTY * min(1.0, sim)
                    cites.setdefault(index[code], []).append(Cite(ref, True, sim))
        total = probs.sum() + none_prob
        return Ranking(self.cat.codes, probs / total, none_prob / total, reasons, cites)

    def suggest(self, text: str, k: int = 3) -> list[Suggestion]:
        """Top k departments, or [] when nothing fits well."""
        r = self.rank(text)
        if not r.confident:
            return []
        out = []
        for i in r.order()[:k]:
            if r.probs[i] < MIN_CONFIDENCE / 4:
                break
            out.append(
                Suggestion(
                    self.cat.codes[i],
                    self.cat.names[self.cat.codes[i]],
                    float(r.probs[i]),
                    r.reasons.get(i, []),
                    r.cites.get(i, []),
                )
            )
        return out


def dump_learned(learned: Learned) -> bytes:
    return zlib.compress(pickle.dumps(learned, protocol=pickle.HIGHEST_PROTOCOL), 3)


def load_learned(blob: bytes) -> Learned:
    # Our own blobs from our own table, written by dump_learned; never user-supplied bytes.
    return pickle.loads(zlib.decompress(bytes(blob)))


def department_rows() -> list[dict]:
    from wuyou.orgs.models import Department

    return list(
        Department.objects.filter(is_active=True)
        .order_by("code")
        .values("code", "name", "kind", "responsibility", "keywords")
    )


def fingerprint(rows: list[dict]) -> str:
    h = hashlib.sha256()
    for r in rows:
        h.update(
            "\x1f".join(str(r[k]) for k in ("code", "name", "kind", "responsibility", "keywords")).encode()
        )
    return h.hexdigest()


_lock = threading.Lock()
_cache: dict = {"cat": None, "checked": 0.0, "learned": (None, None)}


def current_catalogue() -> cat_mod.Catalogue:
    now = time.monotonic()
    cat = _cache["cat"]
    if cat is not None and now - _cache["checked"] < CATALOGUE_TTL:
        return cat
    rows = department_rows()
    fp = fingerprint(rows)
    with _lock:
        if _cache["cat"] is None or _cache["cat"].fingerprint != fp:
            _cache["cat"] = cat_mod.build(rows, fingerprint=fp)
        _cache["checked"] = now
        return _cache["cat"]


def current_model() -> Model:
    from .models import ModelVersion

    cat = current_catalogue()
    active = ModelVersion.objects.filter(is_active=True).values_list("id", flat=True).first()
    if active is None:
        return Model(cat)
    cached_id, learned = _cache["learned"]
    if cached_id != active:
        blob = ModelVersion.objects.filter(pk=active).values_list("blob", flat=True).first()
        if blob is None:
            return Model(cat)
        learned = load_learned(blob)
        _cache["learned"] = (active, learned)
    return Model(cat, learned, active)


def forget_catalogue() -> None:
    """After a staff edit (or in tests), rebuild the catalogue on the next call."""
    _cache["checked"] = 0.0

"""The learned half of the dispatch model and how it is blended with the catalogue.

A character n-gram logistic regression learns how enterprises actually write. It never replaces the
catalogue: the final probability is α·catalogue + (1−α)·learned, with α chosen on out-of-fold predictions
and never below ALPHA_FLOOR, so a department with little history keeps what its 职责 says. A memory of
recent labelled appeals gives "similar past appeals and where they went" and carries returns (退回) as
negative evidence: a department that returned appeals like this one is marked down.
"""

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from threadpoolctl import threadpool_limits

from . import catalogue as cat_mod
from .text import expand

ALPHAS = (0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85)
ALPHA_FLOOR = 0.25
MEMORY_SIZE = 5000  # recent labelled appeals kept for neighbours (keeps a suggestion under 10 ms)
NEIGHBOURS = 5
NEIGHBOUR_MIN_SIM = 0.35
RETURN_PENALTY = 0.6  # a near-identical appeal returned by D scales D's probability by (1 − 0.6)
LBFGS_MAX_ROWS = 20000  # above this the exact solver is too slow for the 60 s budget; SGD instead


@dataclass
class Example:
    text: str
    label: str = ""  # department code that finally handled it ("" when only negatives are known)
    returned_by: tuple[str, ...] = ()
    ref: str = ""  # appeal number, shown in reasons


@dataclass
class Learned:
    vectorizer: TfidfVectorizer
    classifier: object
    classes: list[str]
    alpha: float
    memory: sparse.csr_matrix
    memory_labels: list[str]
    memory_returns: list[tuple[str, ...]]
    memory_refs: list[str]
    metrics: dict = field(default_factory=dict)

    def proba(self, expanded: str, codes: list[str]) -> tuple[np.ndarray, sparse.csr_matrix]:
        x = self.vectorizer.transform([expanded])
        p = self.classifier.predict_proba(x)[0]
        out = np.zeros(len(codes))
        index = {c: i for i, c in enumerate(codes)}
        for cls, prob in zip(self.classes, p, strict=True):
            if cls in index:
                out[index[cls]] = prob
        return out, x

    def neighbours(self, x) -> list[tuple[int, float]]:
        if self.memory.shape[0] == 0:
            return []
        # CSR × dense vector is one tight C loop; sparse × sparse allocates a sparse result per call.
        sims = self.memory @ x.toarray().ravel()
        k = min(NEIGHBOURS, len(sims))
        top = np.argpartition(-sims, k - 1)[:k]
        return [(int(j), float(sims[j])) for j in top[np.argsort(-sims[top])] if sims[j] >= NEIGHBOUR_MIN_SIM]


def make_vectorizer() -> TfidfVectorizer:
    # Character 1–3 grams: robust to typos and segmentation, no jieba pass over 100k appeals.
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(1, 3),
        min_df=1,
        max_features=60000,
        sublinear_tf=True,
        dtype=np.float32,
    )


def make_classifier(n_rows: int):
    if n_rows > LBFGS_MAX_ROWS:
        return SGDClassifier(loss="log_loss", alpha=2e-6, max_iter=5, tol=None, random_state=0, n_jobs=-1)
    return LogisticRegression(C=20.0, max_iter=300)


def catalogue_documents(cat: cat_mod.Catalogue) -> tuple[list[str], list[str]]:
    """Each department's catalogue terms as pseudo-appeals, so every class exists from the first model."""
    texts, labels = [], []
    per_dept: dict[int, list[str]] = {}
    for term, owners in cat.terms.items():
        for i, w in owners:
            if w >= cat_mod.NAME_WEIGHT:
                per_dept.setdefault(i, []).append(term)
    for term, i in cat.places.items():
        per_dept.setdefault(i, []).append(term)
    for i, terms in per_dept.items():
        for start in range(0, len(terms), 6):
            texts.append(" ".join(terms[start : start + 6]))
            labels.append(cat.codes[i])
    return texts, labels


def _fit_classifier(texts, labels):
    vec = make_vectorizer()
    x = vec.fit_transform(texts)
    clf = make_classifier(len(texts))
    # One BLAS thread: on a shared server, oversubscribed BLAS threads made lbfgs 4× slower, never faster.
    with threadpool_limits(1):
        clf.fit(x, labels)
    if hasattr(clf, "coef_"):
        clf.coef_ = clf.coef_.astype(np.float32)  # halves the stored model; precision is ample
    return vec, clf


def _class_proba(vec, clf, texts, codes) -> np.ndarray:
    p = clf.predict_proba(vec.transform(texts))
    out = np.zeros((len(texts), len(codes)))
    index = {c: i for i, c in enumerate(codes)}
    for j, cls in enumerate(clf.classes_):
        if cls in index:
            out[:, index[cls]] = p[:, j]
    return out


def choose_alpha(cat, examples: list[Example], folds: int = 4, max_rows: int = 1500, seed: int = 0):
    """Out-of-fold blend of catalogue and classifier on up to max_rows examples: (alpha, oof probabilities, y)."""
    labelled = [e for e in examples if e.label in cat.codes]
    rng = np.random.default_rng(seed)
    if len(labelled) > max_rows:
        labelled = [labelled[i] for i in rng.choice(len(labelled), max_rows, replace=False)]
    if len(labelled) < 2 * folds:
        return (0.85 if labelled else 1.0), None, None  # too little history to measure: lean on the catalogue
    cat_texts, cat_labels = catalogue_documents(cat)
    expanded = [expand(e.text) for e in labelled]
    y = np.array([cat.codes.index(e.label) for e in labelled])
    p_cat = np.array([cat_mod.probabilities(cat_mod.score(cat, "", expanded=t)[0])[:-1] for t in expanded])
    p_lr = np.zeros_like(p_cat)
    order = rng.permutation(len(labelled))
    for f in range(folds):
        val = order[f::folds]
        train = np.setdiff1d(order, val)
        vec, clf = _fit_classifier(
            [expanded[i] for i in train] + cat_texts, [labelled[i].label for i in train] + cat_labels
        )
        p_lr[val] = _class_proba(vec, clf, [expanded[i] for i in val], cat.codes)
    best = None
    for a in ALPHAS:
        p = a * p_cat + (1 - a) * p_lr
        acc = float((p.argmax(1) == y).mean())
        ll = float(np.log(np.clip(p[np.arange(len(y)), y], 1e-9, 1)).mean())
        if best is None or (acc, ll) > best[0]:
            best = ((acc, ll), a, p)
    return max(best[1], ALPHA_FLOOR), best[2], y


def precision_curve(p: np.ndarray, y: np.ndarray, thresholds=None) -> list[dict]:
    """Precision and coverage of the top suggestion at each confidence threshold (for auto-dispatch)."""
    thresholds = thresholds or [round(t, 2) for t in np.arange(0.3, 0.96, 0.05)]
    top, conf = p.argmax(1), p.max(1)
    curve = []
    for t in thresholds:
        sel = conf >= t
        n = int(sel.sum())
        curve.append(
            {
                "threshold": t,
                "precision": round(float((top[sel] == y[sel]).mean()), 3) if n else None,
                "coverage": round(n / len(y), 3),
                "n": n,
            }
        )
    return curve


def fit(cat: cat_mod.Catalogue, examples: list[Example], *, fit_alpha: bool = True) -> Learned:
    cat_texts, cat_labels = catalogue_documents(cat)
    labelled = [e for e in examples if e.label in cat.codes]
    expanded = [expand(e.text) for e in labelled]
    vec, clf = _fit_classifier(expanded + cat_texts, [e.label for e in labelled] + cat_labels)
    # Without history the catalogue is all we have; without a measured blend, an even-handed default.
    alpha, metrics = (0.6 if labelled else 1.0), {"n_train": len(labelled)}
    if fit_alpha:
        alpha, p, y = choose_alpha(cat, examples)
        if p is not None:
            metrics.update(
                oof_top1=round(float((p.argmax(1) == y).mean()), 3),
                oof_top3=round(float((np.argsort(-p, 1)[:, :3] == y[:, None]).any(1).mean()), 3),
                curve=precision_curve(p, y),
            )
    metrics["alpha"] = alpha
    # Memory: the most recent labelled appeals plus every return we know of (returns are rare and telling).
    recent = examples[-MEMORY_SIZE:]
    memory = vec.transform([expand(e.text) for e in recent]) if recent else sparse.csr_matrix((0, 1))
    return Learned(
        vectorizer=vec,
        classifier=clf,
        classes=list(clf.classes_),
        alpha=alpha,
        memory=memory.astype(np.float32),
        memory_labels=[e.label for e in recent],
        memory_returns=[tuple(e.returned_by) for e in recent],
        memory_refs=[e.ref for e in recent],
        metrics=metrics,
    )

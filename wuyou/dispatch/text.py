"""Text handling shared by the dispatch scorer, the learned model and similarity.

Appeals arrive as formal letters, hotline transcripts, terse chat messages, with typos and some English.
We normalise once (NFKC, lower case, channel boilerplate removed), then append catalogue terms for English
phrases and colloquial wording, so every later stage sees the vocabulary the catalogue speaks.
"""

import logging
import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

# Hotline and letter boilerplate that says nothing about the problem (and "来电人" contains 来电).
BOILERPLATE = re.compile(
    r"【[^】]{0,12}】|来电人|来电称|来电反映|来信|致[^：:]{1,12}[：:]|尊敬的[^：:]{0,8}[：:]|特此反映"
)
ASCII_WORD = re.compile(r"[a-z][a-z0-9&+\-]*|\d+[a-z]+[a-z0-9]*")
# Generic words that segmentation yields everywhere; they never decide a department.
STOPWORDS = frozenset(
    "负责 办理 处理 受理 以及 相关 方面 问题 诉求 企业 公司 我们 我司 你们 他们 一个 什么 怎么 如何 可以 能否 能不能 "
    "请问 希望 要求 反映 协调 尽快 已经 还是 没有 一直 现在 目前 这个 那个 之前 之后 进行 包括 推进 推动 组织 服务 "
    "工作 管理 情况 事项 申请 申报 需要 哪些 哪里 时候 因为 所以 但是 而且 并且 或者 其中 其他 这样 那么 非常 影响 "
    "株洲 市级 全市 各类 有关 部门 单位 政府 领导 人员 办事 一下 麻烦 谢谢 不能 不会 不是 就是 还有 已 了 的 和 与 及".split()
)


def _read_pairs(name: str) -> list[tuple[str, list[str]]]:
    pairs = []
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        left, right = line.split("=", 1)
        pairs.append((left.strip().lower(), right.split()))
    # Longest phrase first, so "power outage" wins over "power".
    return sorted(pairs, key=lambda p: -len(p[0]))


@lru_cache(maxsize=1)
def glossary() -> list[tuple[re.Pattern, list[str]]]:
    return [(re.compile(r"\b" + re.escape(en) + r"\b"), zh) for en, zh in _read_pairs("glossary.txt")]


@lru_cache(maxsize=1)
def synonyms() -> list[tuple[str, list[str]]]:
    return _read_pairs("synonyms.txt")


def normalize(text: str) -> str:
    """NFKC (full-width → half-width), lower case, boilerplate out, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = BOILERPLATE.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def expand(text: str) -> str:
    """Normalised text plus the catalogue terms its English and colloquial phrases stand for."""
    text = normalize(text)
    extra = []
    if re.search("[a-z]", text):
        for pattern, terms in glossary():
            if pattern.search(text):
                extra.extend(terms)
    for phrase, terms in synonyms():
        if phrase in text:
            extra.extend(terms)
    return f"{text} {' '.join(extra)}" if extra else text


_jieba_lock = threading.Lock()
_jieba = None


def jieba_instance():
    """One jieba tokenizer per process with the domain dictionary loaded (park, department, industry terms)."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tk = jieba.Tokenizer()
                tk.initialize()
                tk.load_userdict(str(DATA_DIR / "userdict.txt"))
                _jieba = tk
    return _jieba


def add_words(words) -> None:
    tk = jieba_instance()
    for w in words:
        if len(w) >= 2 and not w.isascii():
            tk.add_word(w, freq=30)


def words(text: str) -> list[str]:
    """Content words of already-normalised text: jieba tokens (≥ 2 chars, no stopwords) and ASCII words."""
    out = []
    for tok in jieba_instance().lcut(text, HMM=False):
        tok = tok.strip()
        if not tok or tok in STOPWORDS:
            continue
        if tok.isascii():
            if ASCII_WORD.fullmatch(tok) and len(tok) >= 2:
                out.append(tok)
        elif len(tok) >= 2 and not tok.isdigit():
            out.append(tok)
    return out


def contains_term(text: str, term: str) -> bool:
    """Substring match for Chinese (robust to segmentation), word-boundary match for ASCII (APP ≠ apply)."""
    if term.isascii():
        return re.search(r"(?<![a-z0-9])" + re.escape(term) + r"(?![a-z0-9])", text) is not None
    return term in text

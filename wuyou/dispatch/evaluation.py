"""Evaluation of dispatch and same-problem detection on CSV files (UTF-8, header row)."""

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import CommandError


@dataclass
class Row:
    line: int
    text: str
    department: str = ""
    id: str = ""
    group: str = ""


def read_csv(path: str, required: tuple[str, ...], known_departments: set[str] | None = None) -> list[Row]:
    """Rows of the file; any problem raises CommandError naming the file row (line 1 is the header)."""
    p = Path(path)
    if not p.is_file():
        raise CommandError(f"文件不存在：{path}")
    try:
        with p.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            header = [h.strip() for h in (reader.fieldnames or [])]
            missing = [c for c in required if c not in header]
            if missing:
                raise CommandError(
                    f"{path}: 第 1 行（表头）缺少列：{', '.join(missing)}；需要列 {', '.join(required)}"
                )
            reader.fieldnames = header
            rows = []
            for n, rec in enumerate(reader, start=2):
                text = (rec.get("text") or "").strip()
                if not text:
                    raise CommandError(f"{path}: 第 {n} 行 text 为空")
                row = Row(line=n, text=text)
                if "department" in required:
                    row.department = (rec.get("department") or "").strip()
                    if known_departments is not None and row.department not in known_departments:
                        raise CommandError(f"{path}: 第 {n} 行部门编码未知：{row.department!r}")
                if "group" in required:
                    row.id = (rec.get("id") or "").strip() or str(n)
                    row.group = (rec.get("group") or "").strip()
                    if not row.group:
                        raise CommandError(f"{path}: 第 {n} 行 group 为空")
                rows.append(row)
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path}: 不是 UTF-8 编码（{exc.reason}）") from None
    if not rows:
        raise CommandError(f"{path}: 没有数据行")
    return rows


@dataclass
class DispatchReport:
    n: int
    top1: float
    top3: float
    per_department: dict[str, tuple[float, float, int]]  # code → (precision, recall, support)
    confused: list[tuple[str, str, int]]  # (true, predicted, count)
    abstained: int


def evaluate_dispatch(model, rows: list[Row]) -> DispatchReport:
    hit1 = hit3 = abstained = 0
    predicted, actual, correct = Counter(), Counter(), Counter()
    confusion = Counter()
    for row in rows:
        ranking = model.rank(row.text)
        top = ranking.top(3)
        abstained += not ranking.confident
        hit1 += top[0] == row.department
        hit3 += row.department in top
        predicted[top[0]] += 1
        actual[row.department] += 1
        if top[0] == row.department:
            correct[row.department] += 1
        else:
            confusion[(row.department, top[0])] += 1
    per = {}
    for code in sorted(set(actual) | set(predicted)):
        prec = correct[code] / predicted[code] if predicted[code] else 0.0
        rec = correct[code] / actual[code] if actual[code] else 0.0
        per[code] = (prec, rec, actual[code])
    n = len(rows)
    return DispatchReport(
        n=n,
        top1=hit1 / n if n else 0.0,
        top3=hit3 / n if n else 0.0,
        per_department=per,
        confused=[(a, b, c) for (a, b), c in confusion.most_common(10)],
        abstained=abstained,
    )


def pairwise(rows: list[Row], scorer, threshold: float) -> tuple[float, float, float, list]:
    """Pairwise precision/recall/F1 of 'same problem' over every pair of rows; also the misjudged pairs."""
    tp = fp = fn = 0
    mistakes = []
    features = [scorer.features(r.text) for r in rows]
    for i in range(len(rows)):
        for j in range(i + 1, len(rows)):
            same = rows[i].group == rows[j].group
            score = scorer.pair_score(features[i], features[j])
            said = score >= threshold
            if said and same:
                tp += 1
            elif said:
                fp += 1
                mistakes.append(("FP", score, rows[i], rows[j]))
            elif same:
                fn += 1
                mistakes.append(("FN", score, rows[i], rows[j]))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, mistakes

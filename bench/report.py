"""The results table (terminal) and docs/performance.md (all data sizes measured on this machine)."""

import json
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DOC = PROJECT_DIR / "docs" / "performance.md"


def _ok(value, target, higher_is_better=False) -> str:
    if value is None:
        return ""
    good = value >= target if higher_is_better else value <= target
    return "✓" if good else "✗"


def rows(r: dict) -> list[tuple[str, str, str, str]]:
    """(measurement, figure, target, ✓/✗) for one results dict."""
    t = r.get("targets", {})
    g = r.get("generation", {})
    out = [
        (
            "data",
            f"{g.get('appeals', 0):,} appeals, {g.get('events', 0):,} events, {g.get('cohandlers', 0):,} co-handlers",
            "",
            "",
        ),
        (
            "time to generate",
            f"{g.get('seconds', 0):.1f} s ({g.get('method', '?')}) + VACUUM ANALYZE {g.get('analyze_seconds', 0):.1f} s"
            + (
                f" — reused, VACUUM (ANALYZE) before this run {r['vacuum_seconds']:.1f} s"
                if g.get("reused") and "vacuum_seconds" in r
                else " — reused"
                if g.get("reused")
                else ""
            ),
            "",
            "",
        ),
    ]
    if "intake" in r:
        i = r["intake"]
        cpu = i.get("cpu", {})
        out += [
            (
                f"intake POST /api/v1/appeals ({i['concurrency']} clients, {i['seconds']:.0f} s)",
                f"{i['rate']:.0f} appeals/s",
                f"≥ {t.get('intake_rate', 400):.0f}/s",
                _ok(i["rate"], t.get("intake_rate", 400), True),
            ),
            ("  latency p50 / p95 / p99", f"{i['p50_ms']} / {i['p95_ms']} / {i['p99_ms']} ms", "", ""),
            (
                "  gunicorn CPU per appeal",
                f"{1000 * cpu.get('server_cpu_s', 0) / max(i.get('created') or i['ok'], 1):.1f} ms",
                "",
                "",
            ),
            ("  errors", f"{i['errors']} of {i['requests']:,} requests", "0", _ok(i["errors"], 0)),
            (
                "  CPU (cores busy)",
                f"gunicorn {cpu.get('server_cores', '?')}, PostgreSQL {cpu.get('postgres_cores', '?')}, "
                f"clients {cpu.get('client_cores', '?')} of {cpu.get('cores', '?')}; "
                f"machine {cpu.get('machine_busy_pct', '?')} % busy",
                "",
                "",
            ),
        ]
    if "healthz" in r:
        h = r["healthz"]
        out.append(
            (
                "  baseline GET /healthz (same server, clients)",
                f"{h['rate']:.0f}/s, p50 {h['p50_ms']} ms",
                "",
                "",
            )
        )
    if "login_flood" in r:
        f = r["login_flood"]
        statuses = ", ".join(f"{k}: {v:,}" for k, v in f["login_statuses"].items())
        out.append(
            (
                f"login flood ({f['attackers']} clients, wrong passwords, {f['seconds']:.0f} s): GET /healthz p50 / p95",
                f"{f['healthz_flood_p50_ms']} / {f['healthz_flood_p95_ms']} ms (without the flood "
                f"{f['healthz_quiet_p50_ms']} / {f['healthz_quiet_p95_ms']} ms); logins answered {statuses}",
                "",
                "",
            )
        )
    for label in ("busiest", "smallest"):
        m = r.get("inbox", {}).get(label)
        if not m:
            continue
        queries = sorted(
            {v["queries"] for k, v in m.items() if isinstance(v, dict) and "queries" in v and k != "all"}
        )
        out += [
            (
                f"inbox {m['department']} ({label}, {m['department_appeals']:,} appeals) to_sign ×{m['to_sign']['n']}",
                f"p50 {m['to_sign']['p50_ms']} ms, p95 {m['to_sign']['p95_ms']} ms",
                f"p95 ≤ {t.get('inbox_p95_ms', 50):.0f} ms",
                _ok(m["to_sign"]["p95_ms"], t.get("inbox_p95_ms", 50)),
            ),
            (
                f"  all {sum(1 for k, v in m.items() if isinstance(v, dict) and 'p95_ms' in v and k != 'all')} tabs "
                f"×{m['all']['n']}",
                f"p50 {m['all']['p50_ms']} ms, p95 {m['all']['p95_ms']} ms",
                f"p95 ≤ {t.get('inbox_p95_ms', 50):.0f} ms",
                _ok(m["all"]["p95_ms"], t.get("inbox_p95_ms", 50)),
            ),
            (
                "  per tab p95",
                ", ".join(
                    f"{k} {v['p95_ms']}"
                    for k, v in m.items()
                    if isinstance(v, dict) and "p95_ms" in v and k != "all"
                ),
                "",
                "",
            ),
            ("  SQL queries per request", " / ".join(str(x) for x in queries), "constant", ""),
        ]
    if "inbox_http" in r:
        h = r["inbox_http"]
        out.append(
            (
                "  to_sign over HTTP (gunicorn), busiest",
                f"p50 {h['p50_ms']} ms, p95 {h['p95_ms']} ms",
                f"p95 ≤ {t.get('inbox_p95_ms', 50):.0f} ms",
                _ok(h["p95_ms"], t.get("inbox_p95_ms", 50)),
            )
        )
    if "sweep" in r:
        s = r["sweep"]
        out.append(
            (
                f"sweep_all() over {s['count']:,} due appeals",
                f"{s['seconds']:.2f} s ({s['count'] / s['seconds']:.0f} appeals/s)" if s["seconds"] else "",
                f"≤ {t.get('sweep_s', 2):.0f} s",
                _ok(s["seconds"], t.get("sweep_s", 2)),
            )
        )
        diag = [
            (m, r[f"sweep_diag_{m}"])
            for m in ("normal", "async_commit", "one_transaction")
            if f"sweep_diag_{m}" in r
        ]
        if diag:
            label = {
                "normal": "as is",
                "async_commit": "synchronous_commit off",
                "one_transaction": "one transaction",
            }
            out.append(
                (
                    f"  diagnostics on {diag[0][1]['count']:,} appeals",
                    ", ".join(f"{label[m]} {d['seconds']:.2f} s" for m, d in diag),
                    "",
                    "",
                )
            )
        if "sweep_profile" in r:
            out.append(
                ("  SQL queries per swept appeal", f"{r['sweep_profile']['queries_per_appeal']}", "", "")
            )
    if "stats" in r:
        s = r["stats"]
        out.append(
            (
                f"三率 department_stats, {s['departments']} depts, 1 year",
                f"{s['best_s']:.3f} s best of 3 ({s['queries']} queries)",
                f"≤ {t.get('stats_s', 0.5)} s",
                _ok(s["best_s"], t.get("stats_s", 0.5)),
            )
        )
        if "stats_jit_off" in r:
            j = r["stats_jit_off"]
            out.append(
                (
                    "  with SET jit = off",
                    f"{j['best_s']:.3f} s best of 3",
                    f"≤ {t.get('stats_s', 0.5)} s",
                    _ok(j["best_s"], t.get("stats_s", 0.5)),
                )
            )
    if "search" in r:
        srch = r["search"]
        for word, m in srch.items():
            if isinstance(m, dict):
                used = {True: "yes", False: "no", None: "n/a"}[m.get("index_used")]
                out.append(
                    (
                        f"search 「{word}」 over {srch.get('appeals', 0):,} appeals",
                        f"p50 {m['p50_ms']} ms, p95 {m['p95_ms']} ms, index used: {used} (EXPLAIN)",
                        "",
                        "",
                    )
                )
    if "export" in r:
        e = r["export"]
        target = t.get("export_s", 30.0)
        peak = e.get("peak_rss_growth_mb", e.get("tracemalloc_peak_mb", "?"))
        out.append(
            (
                f"export {e['rows']:,} appeals to xlsx",
                f"{e['seconds']:.1f} s, peak memory {peak} MB",
                f"≤ {target:.0f} s",
                _ok(e["seconds"], target),
            )
        )
        out.append(
            (
                "  rows/s, file size, Python heap peak (tracemalloc)",
                f"{e['rows_per_s']:,}/s, {e['file_mb']} MB, "
                f"{e.get('tracemalloc_peak_mb', '?')} MB for {e.get('tracemalloc_peak_rows', e['rows']):,} rows "
                f"/ {e.get('tracemalloc_peak_small_mb', '?')} MB for {e.get('tracemalloc_peak_small_rows', 0):,}",
                "constant",
                "",
            )
        )
    return out


def table(r: dict) -> str:
    data = [("measurement", "figure", "target", "")] + rows(r)
    widths = [max(_width(row[i]) for row in data) for i in range(4)]
    lines = []
    for n, row in enumerate(data):
        lines.append("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _width(s: str) -> int:
    # CJK characters take two columns on a terminal.
    return sum(2 if ord(c) > 0x2E80 else 1 for c in s)


def _pad(s: str, w: int) -> str:
    return s + " " * (w - _width(s))


def markdown_table(r: dict) -> str:
    lines = ["| measurement | figure | target | |", "| --- | --- | --- | --- |"]
    for a, b, c, d in rows(r):
        label = f"↳ {a.strip()}" if a.startswith("  ") else a
        lines.append(f"| {label} | {b} | {c} | {d} |")
    return "\n".join(lines)


def load_results(out_dir: Path) -> list[dict]:
    found = []
    for p in sorted(out_dir.glob("results-*.json")):
        try:
            found.append(json.loads(p.read_text()))
        except ValueError:
            continue
    return sorted(found, key=lambda r: -r.get("appeals", 0))


def write_docs(out_dir: Path) -> Path:
    from .doc_text import render

    DOC.write_text(render(load_results(out_dir), markdown_table))
    return DOC

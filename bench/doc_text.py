"""The prose of docs/performance.md around the measured tables."""


def _machine(m: dict) -> str:
    parts = [
        f"{m.get('nproc', '?')} cores ({m.get('cpu', 'unknown CPU')})",
        f"{m.get('memory_gib', '?')} GiB memory",
        f"PostgreSQL {m.get('postgresql', '?')} (shared_buffers {m.get('shared_buffers', '?')}, "
        f"synchronous_commit {m.get('synchronous_commit', '?')})",
        f"Python {m.get('python', '?')}, Django {m.get('django', '?')}",
        f"measured {m.get('date', '?')}",
    ]
    return "; ".join(parts)


def render(results: list[dict], markdown_table) -> str:
    out = ["# Performance", ""]
    out.append(
        "Measured by `./run bench` (the `bench/` package). Every figure below was produced by the benchmark on "
        "the machine described with it; rerun it to refresh this page."
    )
    out.append("")
    for r in results:
        out.append(f"## {r['appeals']:,} appeals")
        out.append("")
        out.append(
            f"Machine: {_machine(r.get('machine', {}))}. Whole run: {r.get('total_seconds', 0):.0f} s."
        )
        out.append("")
        out.append(markdown_table(r))
        out.append("")
    return "\n".join(out) + "\n"

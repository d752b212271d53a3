import random
import time

import numpy as np
from django.core.management.base import BaseCommand

from wuyou.dispatch import engine, evaluation, learned
from wuyou.dispatch.text import DATA_DIR


class Command(BaseCommand):
    help = "Measure suggestion latency and training time on N synthetic appeals (recombined from the bundled data)."

    def add_arguments(self, parser):
        parser.add_argument("--n", type=int, default=100000)
        parser.add_argument("--queries", type=int, default=300)

    def handle(self, *args, n, queries, **opts):
        cat = engine.current_catalogue()
        base = evaluation.read_csv(str(DATA_DIR / "appeals_train.csv"), ("text", "department"))
        rng = random.Random(0)
        # Synthetic history: each row glues two same-department sentences with noise, so texts differ.
        by_dept: dict[str, list[str]] = {}
        for r in base:
            by_dept.setdefault(r.department, []).append(r.text)
        codes = sorted(by_dept)
        examples = []
        for i in range(n):
            code = rng.choice(codes)
            a, b = rng.choice(by_dept[code]), rng.choice(by_dept[code])
            examples.append(
                learned.Example(
                    f"{a[: rng.randint(8, len(a))]}，{b[rng.randint(0, len(b) // 2) :]} #{i}",
                    code,
                    ref=f"B{i}",
                )
            )
        started = time.perf_counter()
        fitted = learned.fit(cat, examples)
        train_s = time.perf_counter() - started
        blob = engine.dump_learned(fitted)
        model = engine.Model(cat, fitted)
        tests = evaluation.read_csv(str(DATA_DIR / "appeals_test.csv"), ("text", "department"))
        model.suggest(tests[0].text)
        times = []
        for i in range(queries):
            t0 = time.perf_counter()
            model.suggest(tests[i % len(tests)].text)
            times.append((time.perf_counter() - t0) * 1000)
        cold = engine.Model(cat)
        cold_times = []
        for i in range(queries):
            t0 = time.perf_counter()
            cold.suggest(tests[i % len(tests)].text)
            cold_times.append((time.perf_counter() - t0) * 1000)
        self.stdout.write(f"training on {n} appeals: {train_s:.1f} s (model blob {len(blob) / 1e6:.1f} MB)")
        self.stdout.write(
            f"suggestion (trained): median {np.median(times):.2f} ms, p95 {np.percentile(times, 95):.2f} ms, max {max(times):.2f} ms"
        )
        self.stdout.write(
            f"suggestion (cold start): median {np.median(cold_times):.2f} ms, p95 {np.percentile(cold_times, 95):.2f} ms"
        )

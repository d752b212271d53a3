from django.core.management.base import BaseCommand

from wuyou.dispatch import evaluation, similarity


class Command(BaseCommand):
    help = "Pairwise same-problem precision/recall on a CSV (columns id,group,text) at the threshold in use. 同类诉求评估"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--threshold", type=float, default=similarity.SAME_PROBLEM_THRESHOLD)
        parser.add_argument("--show", type=int, default=0, help="print this many misjudged pairs")

    def handle(self, *args, file, threshold, show=0, **opts):
        rows = evaluation.read_csv(file, ("id", "group", "text"))
        p, r, f1, mistakes = evaluation.pairwise(rows, similarity.Scorer, threshold)
        n = len(rows)
        self.stdout.write(
            f"rows={n} pairs={n * (n - 1) // 2} groups={len({x.group for x in rows})} threshold={threshold}"
        )
        for kind, score, a, b in mistakes[:show]:
            self.stdout.write(f"  {kind} {score:.2f} [{a.id}] {a.text[:30]} | [{b.id}] {b.text[:30]}")
        self.stdout.write(f"precision={p:.3f} recall={r:.3f} f1={f1:.3f}")

from django.core.management.base import BaseCommand

from wuyou.dispatch import engine, evaluation, learned


class Command(BaseCommand):
    help = (
        "Evaluate dispatch on a CSV (columns text,department). With --train, a fresh model trained on that "
        "file plus the catalogue; without, the cold-start model on the current catalogue. 分拨评估"
    )

    def add_arguments(self, parser):
        parser.add_argument("--test", required=True)
        parser.add_argument("--train")

    def handle(self, *args, test, train=None, **opts):
        cat = engine.current_catalogue()
        known = set(cat.codes)
        test_rows = evaluation.read_csv(test, ("text", "department"), known)
        if train:
            train_rows = evaluation.read_csv(train, ("text", "department"), known)
            fitted = learned.fit(cat, [learned.Example(r.text, r.department) for r in train_rows])
            model = engine.Model(cat, fitted)
            self.stdout.write(f"model: trained on {len(train_rows)} rows + catalogue, alpha={fitted.alpha}")
        else:
            model = engine.Model(cat)
            self.stdout.write("model: cold start (catalogue only)")
        rep = evaluation.evaluate_dispatch(model, test_rows)
        self.stdout.write("department  precision  recall  n")
        for code, (p, r, n) in rep.per_department.items():
            self.stdout.write(f"{code:<10}  {p:9.3f}  {r:6.3f}  {n}")
        self.stdout.write("most confused (true -> predicted: count):")
        for a, b, c in rep.confused or []:
            self.stdout.write(f"  {a} -> {b}: {c}")
        if not rep.confused:
            self.stdout.write("  none")
        self.stdout.write(f"no confident suggestion: {rep.abstained} of {rep.n}")
        self.stdout.write(f"top1={rep.top1:.3f} top3={rep.top3:.3f} n={rep.n}")

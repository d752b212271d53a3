"""The acceptance targets of the issue, on held-out data the models never saw (wuyou/dispatch/data)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from wuyou.dispatch.text import DATA_DIR

pytestmark = pytest.mark.django_db
TRAIN, TEST, SIMILAR = (
    str(DATA_DIR / n) for n in ("appeals_train.csv", "appeals_test.csv", "similar_eval.csv")
)


def last_line(*args) -> dict[str, float]:
    out = StringIO()
    call_command(*args, stdout=out)
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", out.getvalue().splitlines()[-1])}


def test_cold_start_on_held_out():
    m = last_line("dispatch_eval", "--test", TEST)
    assert m["n"] >= 150
    assert m["top1"] >= 0.75 and m["top3"] >= 0.90, m


def test_trained_on_held_out():
    m = last_line("dispatch_eval", "--test", TEST, "--train", TRAIN)
    assert m["top1"] >= 0.85 and m["top3"] >= 0.95, m


def test_same_problem_f1():
    m = last_line("similar_eval", SIMILAR)
    assert m["f1"] >= 0.70, m


def test_no_confident_suggestion_for_unrelated_text():
    from wuyou.dispatch.engine import current_model

    model = current_model()
    assert model.suggest("你好，在吗？") == []
    assert model.suggest("今天天气不错") == []
    assert model.suggest("园区停电三次了")[0].department == "gdgs"


def test_mixed_english_and_typos():
    from wuyou.dispatch.engine import current_model

    model = current_model()
    assert model.rank("our VAT refund is still pending after 3 months").top(1) == ["tax"]
    assert model.rank("customs clearance is too slow for our imported machine").top(1) == ["hg"]


def test_staff_edits_to_keywords_count():
    from wuyou.dispatch.engine import current_model, forget_catalogue
    from wuyou.orgs.models import Department

    text = "园区里的无人机飞手培训找谁"
    assert "jyj" not in current_model().rank(text).top(1)
    Department.objects.filter(code="jyj").update(keywords="无人机飞手培训")
    forget_catalogue()
    assert current_model().rank(text).top(1) == ["jyj"]

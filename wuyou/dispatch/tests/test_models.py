"""Model versions, rollback, worker scheduling, returns as negative evidence, auto-dispatch."""

import csv

import pytest
from django.core.management import call_command
from django.utils import timezone

from wuyou.appeals import services as s
from wuyou.appeals.models import Status
from wuyou.core.errors import Forbidden, InvalidInput
from wuyou.dispatch import engine, learned, selectors, services, tasks
from wuyou.dispatch.models import AutoDispatchLog, DispatchState, ModelVersion
from wuyou.dispatch.text import DATA_DIR
from wuyou.testing import submit

pytestmark = pytest.mark.django_db


def examples(n=90):
    with open(DATA_DIR / "appeals_train.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [
        learned.Example(r["text"], r["department"], ref=f"T{i}")
        for i, r in enumerate(rows[:: max(1, len(rows) // n)])
    ]


def test_versions_and_rollback(p):
    v1 = services.train_model(examples=examples(60), note="first")
    v2 = services.train_model(examples=examples(90), note="second")
    assert list(ModelVersion.objects.filter(is_active=True)) == [v2]
    assert engine.current_model().version_id == v2.pk
    assert v2.metrics["alpha"] >= learned.ALPHA_FLOOR and "curve" in v2.metrics
    assert services.rollback(by=p.center) == v1
    assert engine.current_model().version_id == v1.pk
    assert services.rollback(by=p.center) is None
    assert engine.current_model().version_id is None  # catalogue only
    with pytest.raises(InvalidInput):
        services.rollback(by=p.center)
    with pytest.raises(Forbidden):
        services.activate_version(version_id=v2.pk, by=p.handler)
    services.activate_version(version_id=v2.pk, by=p.center)
    call_command("dispatch_rollback")
    assert ModelVersion.objects.get(is_active=True) == v1


def test_worker_trains_on_request_only(p):
    assert tasks.run() == {"dispatch_trained": 0, "dispatch_clusters": 0, "dispatch_auto": 0}
    services.request_training(by=p.center)
    assert tasks.run()["dispatch_trained"] == 1
    assert ModelVersion.objects.filter(is_active=True).count() == 1
    state = DispatchState.get()
    assert state.train_requested_at is None and state.training_started_at is None
    assert tasks.run()["dispatch_trained"] == 0
    with pytest.raises(Forbidden):
        services.request_training(by=p.ent_user)


def test_return_is_negative_evidence(p):
    text = dict(title="厂房分割办证", content="我们想把厂房分割出售给几家小企业，分割登记一直办不下来")
    a = submit(p, **text)
    s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="zrzyj")
    s.appeal_return(appeal_id=a.pk, by=p.other_handler, reason="不属于本部门")
    s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs")
    s.appeal_sign(appeal_id=a.pk, by=p.handler)
    s.appeal_reply(appeal_id=a.pk, by=p.handler, result="explained", content="已协调")
    found = [e for e in selectors.training_examples() if e.ref == a.number]
    assert found[0].label == "gdgs" and found[0].returned_by == ("zrzyj",)

    cat = engine.current_catalogue()
    base = examples(60)
    with_return = learned.fit(cat, base + found, fit_alpha=False)
    without = learned.fit(cat, base + [learned.Example(found[0].text, "gdgs", ref=a.number)], fit_alpha=False)
    query = "厂房想分割后卖给别的企业，分割登记办不了"
    i = cat.codes.index("zrzyj")
    r_with = engine.Model(cat, with_return).rank(query)
    r_without = engine.Model(cat, without).rank(query)
    assert r_with.probs[i] < 0.9 * r_without.probs[i]
    assert any(c.returned and c.ref == a.number for c in r_with.cites[i])


def test_auto_dispatch_above_threshold(p):
    services.set_auto_rule(by=p.center, category="help", enabled=True, threshold=0.3)
    services.set_auto_rule(by=p.center, category="consult", enabled=False, threshold=0.3)
    sure = submit(p)
    unsure = submit(p, title="你好", content="在吗")
    consult = submit(p, category="consult")
    assert tasks.auto_dispatch(timezone.now()) == 1
    sure.refresh_from_db()
    unsure.refresh_from_db()
    consult.refresh_from_db()
    assert sure.status == Status.DISPATCHED and sure.department.code == "gdgs"
    assert unsure.status == Status.SUBMITTED and consult.status == Status.SUBMITTED
    assert AutoDispatchLog.objects.get(appeal=unsure).note.startswith("置信度不足")
    assert tasks.auto_dispatch(timezone.now()) == 0
    with pytest.raises(Forbidden):
        services.set_auto_rule(by=p.handler, category="help", enabled=True, threshold=0.5)
    with pytest.raises(InvalidInput):
        services.set_auto_rule(by=p.center, category="help", enabled=True, threshold=0.1)

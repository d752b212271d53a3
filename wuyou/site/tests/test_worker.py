"""The worker survives a poison row and a failing task: the other rows and the other tasks go on."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from wuyou.appeals import notify
from wuyou.appeals import services as s
from wuyou.appeals.models import Appeal
from wuyou.core.sweeps import PoisonRow, TaskRun
from wuyou.core.worker import run_round
from wuyou.testing import submit

TZ = ZoneInfo("Asia/Shanghai")
SWEEP = "wuyou.appeals.sweeps.sweep_all"


def at(*args):
    return datetime(*args, tzinfo=TZ)


def dispatched(p, n):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        out = []
        for i in range(n):
            a = submit(p, title=f"诉求{i}")
            out.append(s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs"))
        return out


def test_a_poison_row_is_held_back_while_the_rest_of_its_batch_and_the_other_tasks_go_on(p, monkeypatch):
    good1, poison, good2 = dispatched(p, 3)
    real = notify.link_text

    def broken(appeal):
        if appeal.pk == poison.pk:
            raise RuntimeError("bad data in this appeal")
        return real(appeal)

    monkeypatch.setattr(notify, "link_text", broken)
    with time_machine.travel(at(2026, 11, 4, 9, 0), tick=False):  # sign overdue, reply not yet
        results = run_round()
    assert "error" not in results[SWEEP], results
    assert results[SWEEP]["sign_overdue"] == 2
    urged = dict(Appeal.objects.values_list("pk", "urged_at"))
    assert urged[good1.pk] and urged[good2.pk] and urged[poison.pk] is None
    row = PoisonRow.objects.get()
    assert (row.subject_id, row.failures, row.sweep) == (poison.pk, 1, "appeals.urge")
    assert "bad data" in row.error
    # Every other task ran in the same round.
    assert all("error" not in r for r in results.values()), results
    assert len(results) >= 3

    # Held back: the next round does not retry it before its back-off ends.
    with time_machine.travel(at(2026, 11, 4, 9, 0, 30), tick=False):
        run_round()
    assert PoisonRow.objects.get().failures == 1

    # Fixed and past its back-off: it goes through and is no longer listed.
    monkeypatch.setattr(notify, "link_text", real)
    with time_machine.travel(at(2026, 11, 4, 9, 5), tick=False):
        assert run_round()[SWEEP]["sign_overdue"] == 1
    assert Appeal.objects.get(pk=poison.pk).urged_at is not None
    assert not PoisonRow.objects.exists()


def test_a_failing_task_is_backed_off_and_never_stops_the_others(p, settings):
    settings.WORKER_TASKS = ["wuyou.site.tests.test_worker.exploding_task", *settings.WORKER_TASKS]
    (appeal,) = dispatched(p, 1)
    with time_machine.travel(at(2026, 11, 4, 9, 0), tick=False):
        results = run_round()
    with time_machine.travel(at(2026, 11, 4, 9, 1), tick=False):
        # A one-off run lets every task have its turn, then reports the failure.
        with pytest.raises(CommandError, match="exploding_task"):
            call_command("worker", "--once", stdout=StringIO())
    assert "error" in results["wuyou.site.tests.test_worker.exploding_task"]
    assert results[SWEEP]["sign_overdue"] == 1
    state = TaskRun.objects.get(task="wuyou.site.tests.test_worker.exploding_task")
    assert state.consecutive_failures >= 1 and "task broke" in state.last_error
    assert state.retry_at > at(2026, 11, 4, 9, 0)
    ok = TaskRun.objects.get(task=SWEEP)
    assert ok.consecutive_failures == 0 and ok.last_ok_at is not None
    with time_machine.travel(at(2026, 11, 4, 9, 0) + timedelta(seconds=5), tick=False):
        assert run_round()["wuyou.site.tests.test_worker.exploding_task"] == {"skipped": "backing off"}


def exploding_task(now):
    raise ValueError("task broke")


def test_the_audit_readers_see_poison_rows_on_the_audit_page(p, monkeypatch):
    (appeal,) = dispatched(p, 1)

    def broken(a):
        raise RuntimeError("bad data in this appeal")

    monkeypatch.setattr(notify, "link_text", broken)
    with time_machine.travel(at(2026, 11, 4, 9, 0), tick=False):
        run_round()
    page = p.client(p.inspector).get("/audit/").content.decode()
    assert "appeals.urge" in page and str(appeal.pk) in page and "bad data" in page


def test_one_failing_sweep_does_not_stop_the_other_sweeps_of_its_module(p, monkeypatch):
    from wuyou.appeals import sweeps

    (appeal,) = dispatched(p, 1)

    def broken(*args, **kwargs):
        raise RuntimeError("warnings sweep broke")

    monkeypatch.setattr(sweeps, "sweep_warnings", broken)
    with time_machine.travel(at(2026, 11, 4, 9, 0), tick=False):
        result = run_round()[SWEEP]
    assert result["sign_overdue"] == 1 and "warnings sweep broke" in result["error"]
    assert Appeal.objects.get(pk=appeal.pk).urged_at is not None
    assert TaskRun.objects.get(task="appeals.warnings").consecutive_failures == 1
    assert TaskRun.objects.get(task="appeals.sign_overdue").consecutive_failures == 0


def test_a_held_back_row_that_is_no_longer_due_leaves_the_list(p, monkeypatch):
    (appeal,) = dispatched(p, 1)
    real = notify.link_text
    monkeypatch.setattr(notify, "link_text", lambda a: (_ for _ in ()).throw(RuntimeError("bad")))
    with time_machine.travel(at(2026, 11, 4, 9, 0), tick=False):
        run_round()
    assert PoisonRow.objects.count() == 1
    monkeypatch.setattr(notify, "link_text", real)
    with time_machine.travel(at(2026, 11, 4, 9, 2), tick=False):
        s.appeal_sign(appeal_id=appeal.pk, by=p.handler)  # no longer waiting to be urged
    with time_machine.travel(at(2026, 11, 4, 9, 5), tick=False):
        run_round()
    assert not PoisonRow.objects.exists()

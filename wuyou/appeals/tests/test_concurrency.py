"""Conflicting actions at the same moment: exactly one wins, the loser gets a clear refusal, the chain holds.

Runs on PostgreSQL (row locks) and on SQLite (one writer at a time) alike."""

import threading

import pytest
from django.db import close_old_connections, connection

from wuyou.appeals import services as s
from wuyou.appeals import sweeps
from wuyou.appeals.audit import verify_chain
from wuyou.appeals.models import Action, Appeal, Status
from wuyou.core.errors import DomainError
from wuyou.testing import build_personas, submit


def race(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = ("ok", fn())
        except DomainError as exc:
            results[i] = ("refused", exc)
        except Exception as exc:  # surfaced in the assertion message
            results[i] = ("error", exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sign_and_return_race_has_one_winner():
    p = build_personas()
    for _ in range(3):
        a = submit(p)
        s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs")
        results = race(
            lambda pk=a.pk: s.appeal_sign(appeal_id=pk, by=p.handler),
            lambda pk=a.pk: s.appeal_return(appeal_id=pk, by=p.leader, reason="非本单位职责"),
            lambda pk=a.pk: s.appeal_sign(appeal_id=pk, by=p.leader),
        )
        kinds = [r[0] for r in results]
        assert "error" not in kinds, results
        a.refresh_from_db()
        events = list(a.events.order_by("seq").values_list("action", flat=True))
        # Sign then return is legal (return is allowed while in progress); two signs are not.
        assert events.count(Action.SIGN) <= 1
        assert events[:2] == [Action.SUBMIT, Action.DISPATCH]
        if a.status == Status.SUBMITTED:
            assert events[-1] == Action.RETURN
        else:
            assert a.status == Status.IN_PROGRESS and events[-1] == Action.SIGN
    assert verify_chain()[1] is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_sweeping_at_once_escalate_exactly_once():
    from datetime import timedelta

    from django.utils import timezone

    p = build_personas()
    ids = []
    for _ in range(6):
        a = submit(p)
        s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs")
        ids.append(a.pk)
    later = timezone.now() + timedelta(days=60)
    results = race(lambda: sweeps.sweep_reply_overdue(later), lambda: sweeps.sweep_reply_overdue(later))
    assert [r[0] for r in results] == ["ok", "ok"], results
    assert results[0][1] + results[1][1] == 6
    for pk in ids:
        appeal = Appeal.objects.get(pk=pk)
        assert appeal.escalation_level == 2
        assert appeal.events.filter(action=Action.ESCALATE).count() == 1
    assert verify_chain()[1] is None

"""The reports' event chain (wuyou.core.audit) and report numbers from core's counter table."""

import importlib
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.db import connection

from wuyou.core.audit import CHAINS, GENESIS
from wuyou.core.numbering import Counter
from wuyou.negative_list import services, sweeps
from wuyou.negative_list.audit import CHAIN, verify_chain
from wuyou.negative_list.models import Action, DeptRequest, Event

from .helpers import act, file_report, to_concluded

TZ = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def a_full_case(p, inv):
    """Intake, steps, a department's answer, the reporter's rating and the worker's batch events."""
    with time_machine.travel(datetime(2026, 11, 27, 16, 0, tzinfo=TZ), tick=False):
        report, _ = file_report(p.ent_user, occurred_on=date(2026, 11, 20))
        late, _ = file_report(None, occurred_on=date(2026, 11, 20))
    with time_machine.travel(datetime(2026, 11, 30, 9, 0, tzinfo=TZ), tick=False):
        to_concluded(inv, report)
        act(inv, report, "order_rectification", requirement="规范涉企检查")
        for req in DeptRequest.objects.filter(report=report):
            services.dept_answer(request_id=req.pk, by=p.handler, answer="已说明")
        act(inv, report, "reply", content="属实，已处理")
        services.reporter_act(
            report_id=report.pk, action="rate", user=p.ent_user, data={"rating": "satisfied"}
        )
    assert sweeps.sweep_all(datetime(2026, 12, 2, 9, 0, tzinfo=TZ))["nl_accept_overdue"] == 1  # `late`
    return report, late


def test_every_report_event_is_chained(nl, p, inv):
    assert CHAINS["reports"] is CHAIN
    report, late = a_full_case(p, inv)
    for r in (report, late):
        rows = list(Event.objects.filter(report=r).order_by("seq").values_list("seq", "prev_hash", "hash"))
        assert [s for s, _, _ in rows] == list(range(1, len(rows) + 1))
        assert rows[0][1] == GENESIS and all(rows[i][1] == rows[i - 1][2] for i in range(1, len(rows)))
    actions = set(Event.objects.values_list("action", flat=True))
    assert {"submit", "rectification_detail", "explanation_received", "rate", "escalate"} <= actions
    assert actions <= set(Action.values)
    checked, broken, reason = verify_chain()
    assert broken is None and checked == Event.objects.count(), reason
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "reports" in out.getvalue()


@pytest.mark.parametrize(
    "change",
    [{"note": "改过的认定"}, {"public": True}, {"actor": None}, {"to_status": "closed"}],
)
def test_verify_audit_catches_a_tampered_report_event(nl, p, inv, change):
    report, _ = a_full_case(p, inv)
    ev = Event.objects.filter(report=report, action="conclude").get()
    if "public" in change:  # the internal request note, shown to the reporter
        ev = Event.objects.filter(report=report, action="request_explanation").get()
    Event.objects.filter(pk=ev.pk).update(**change)
    checked, broken, reason = verify_chain()
    assert broken == ev.pk and "举报" in reason and "被改动" in reason
    with pytest.raises(CommandError, match=f"id={ev.pk}"):
        call_command("verify_audit", stdout=StringIO())


def test_a_deleted_report_event_breaks_the_chain(nl, p, inv):
    report, _ = a_full_case(p, inv)
    Event.objects.filter(report=report, action="accept").delete()
    _, broken, reason = verify_chain()
    assert broken is not None and "不连续" in reason


def test_migration_chains_events_written_before_the_chain(nl, p, inv):
    report, _ = a_full_case(p, inv)
    # As 0002 found them: no chain. (Distinct placeholder numbers: the unique constraint is already here.)
    for i, pk in enumerate(Event.objects.order_by("-id").values_list("pk", flat=True)):
        Event.objects.filter(pk=pk).update(seq=100_000 + i, prev_hash="", hash="")
    migration = importlib.import_module("wuyou.negative_list.migrations.0002_event_chain")
    migration.build_chains(django_apps, None)
    assert verify_chain()[1] is None
    order = list(Event.objects.filter(report=report).order_by("at", "id").values_list("seq", flat=True))
    assert order == list(range(1, len(order) + 1))


def test_numbers_come_from_core_counter_outside_the_intake_transaction(nl, p, monkeypatch):
    with time_machine.travel(datetime(2026, 12, 2, 10, 0, tzinfo=TZ), tick=False):
        Counter.objects.create(name="NL20261202", last=41)  # what the data migration seeds
        depth = []
        real = services.daily_number

        def spy(prefix, now=None):
            depth.append(len(connection.atomic_blocks))
            return real(prefix, now)

        monkeypatch.setattr(services, "daily_number", spy)
        outer = len(connection.atomic_blocks)
        report, _ = file_report(p.ent_user, occurred_on=date(2026, 11, 30))
        assert report.number == "NL20261202-0042"
        assert depth == [outer]  # not inside report_submit's transaction
        assert file_report(None, occurred_on=date(2026, 11, 30))[0].number == "NL20261202-0043"
    assert Counter.objects.get(name="NL20261202").last == 43


def test_counter_seeding_continues_old_sequences(db):
    migration = importlib.import_module("wuyou.negative_list.migrations.0003_kernel")

    class OldSequence:
        class objects:
            @staticmethod
            def values_list(*fields):
                return [("20261201", 7), ("20261202", 12)]

    class Apps:
        def get_model(self, app, name):
            return OldSequence if name == "Sequence" else Counter

    Counter.objects.create(name="NL20261202", last=3)
    migration.seed_counters(Apps(), None)
    assert dict(Counter.objects.filter(name__startswith="NL").values_list("name", "last")) == {
        "NL20261201": 7,
        "NL20261202": 12,
    }

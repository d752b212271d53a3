from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from stdnum.cn import uscc as stdnum_uscc

from wuyou.appeals.audit import verify_chain
from wuyou.appeals.models import Appeal, Event, Status
from wuyou.orgs.catalogue import DEPARTMENTS
from wuyou.orgs.models import Department, Enterprise, Role, User
from wuyou.orgs.validators import clean_phone
from wuyou.site.demo.loader import load
from wuyou.site.demo.people import DEMO_LOGINS, org_code


def test_catalogue_texts_are_filled_in():
    for code, _name, _kind, _district, responsibility, keywords in DEPARTMENTS:
        assert 2 <= responsibility.count("。") <= 6, code
        terms = [t for t in keywords.split(",") if t.strip()]
        assert 10 <= len(terms) <= 25, (code, len(terms))


def test_org_codes_carry_a_gb11714_check_character():
    import random

    rng = random.Random(1)
    for _ in range(200):
        code = org_code(rng)
        assert len(code) == 9
        assert stdnum_uscc.is_valid("91430211" + code + stdnum_uscc.calc_check_digit("91430211" + code))


@pytest.mark.django_db
def test_load_demo_small():
    out = StringIO()
    call_command("load_demo", "--appeals", "60", "--enterprises", "20", stdout=out)
    assert "demo data loaded" in out.getvalue()

    # Every demo login, with its role and department.
    for username, role, dept, slot, *_ in DEMO_LOGINS:
        user = User.objects.get(username=username)
        assert user.role == role, username
        assert (user.department.code if user.department else None) == dept, username
        assert user.check_password("wuyou-demo"), username
        assert user.first_name
        if slot is not None:
            assert user.enterprise is not None
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert (
        User.objects.get(username="ent-1").enterprise_id != User.objects.get(username="ent-2").enterprise_id
    )
    for dept in Department.objects.all():
        assert User.objects.filter(
            username=f"dept-{dept.code}", role=Role.DEPT_HANDLER, department=dept
        ).exists()
        assert User.objects.filter(
            username=f"dept-{dept.code}-lead", role=Role.DEPT_LEADER, department=dept
        ).exists()

    # Enterprises: valid credit codes and phones, district code inside the credit code.
    enterprises = list(Enterprise.objects.select_related("district"))
    assert len(enterprises) == 20
    for ent in enterprises:
        assert stdnum_uscc.validate(ent.uscc) == ent.uscc
        assert ent.uscc[2:8] == ent.district.code
        assert clean_phone(ent.contact_phone) == ent.contact_phone

    # Appeals in every state, each with a real event history and an unbroken hash chain.
    assert Appeal.objects.count() == 60
    statuses = set(Appeal.objects.values_list("status", flat=True))
    assert statuses == set(Status.values), set(Status.values) - statuses
    assert not Appeal.objects.filter(events__isnull=True).exists()
    assert Event.objects.filter(action="submit").count() == 60
    checked, broken, reason = verify_chain()
    assert broken is None, reason
    assert Appeal.objects.filter(enterprise=User.objects.get(username="ent-1").enterprise).count() >= 12
    assert Appeal.objects.filter(department__code="gdgs").count() >= 8
    assert set(Appeal.objects.values_list("channel", flat=True)) >= {
        "hotline",
        "breakfast",
        "chain_office",
        "wechat",
        "app",
        "cadre",
    }

    # Running it again changes nothing.
    counts = (User.objects.count(), Enterprise.objects.count(), Appeal.objects.count(), Event.objects.count())
    out = StringIO()
    call_command("load_demo", "--appeals", "60", "--enterprises", "20", stdout=out)
    assert "already loaded" in out.getvalue()
    assert counts == (
        User.objects.count(),
        Enterprise.objects.count(),
        Appeal.objects.count(),
        Event.objects.count(),
    )


@pytest.mark.django_db
def test_demo_logins_prints_the_table():
    out = StringIO()
    call_command("demo_logins", "--port", "8123", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8123/" in text
    assert "wuyou-demo" in text
    for username, *_ in DEMO_LOGINS:
        assert username in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "moment", [(2026, 11, 29, 3, 0), (2026, 10, 3, 12, 0)], ids=["sunday-night", "national-day"]
)
def test_every_state_whenever_it_is_loaded(moment):
    # The recent appeals are laid out backwards from "now": a weekend or a holiday must not empty a state.
    with time_machine.travel(datetime(*moment, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        summary = load(appeals=40, enterprises=10, seed=moment[2])
    assert set(Appeal.objects.values_list("status", flat=True)) == set(Status.values)
    assert summary["skipped"] == 0, summary["skips"]


@pytest.mark.django_db
def test_withdrawals_and_refused_extensions_carry_their_reasons():
    # Both need a reason since issue 10; a demo replay without one silently loses those appeals' stories.
    from wuyou.site.demo import texts

    assert all(r.strip() for r in texts.WITHDRAW_REASONS)
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        summary = load(appeals=160, enterprises=20, seed=7)
    assert summary["skipped"] == 0, summary["skips"]
    assert Appeal.objects.filter(status=Status.WITHDRAWN).exists()

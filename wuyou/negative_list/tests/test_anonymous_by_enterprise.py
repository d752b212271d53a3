"""A signed-in enterprise may still report anonymously (issue 10, item 10): the report form offers an
explicit 「匿名举报」, and a report filed that way carries nothing that leads back to the account."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wuyou.negative_list import crypto
from wuyou.negative_list.models import Report
from wuyou.negative_list.services import enterprise_tag
from wuyou.negative_list.transitions import account_tag

pytestmark = pytest.mark.django_db

TEXT = "窗口工作人员要求先交一笔“加急费”才受理，已三次往返。"


def form(**extra):
    return {
        "items": "C1-02",
        "department": "gdgs",
        "occurred_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "description": TEXT,
        "reporter_name": "",
        "reporter_phone": "",
        **extra,
    }


def test_the_form_offers_an_explicit_anonymous_choice_to_a_signed_in_enterprise(p, nl):
    page = p.client(p.ent_user).get("/negative-list/report/").content.decode()
    assert 'name="reporting_as" value="anonymous"' in page
    assert "匿名举报（不关联本企业和您的账号" in page
    # An anonymous visitor is anonymous anyway: no choice to make.
    from django.test import Client

    assert 'name="reporting_as"' not in Client().get("/negative-list/report/").content.decode()


def test_an_anonymous_report_by_a_signed_in_enterprise_carries_no_link_to_it(p, nl):
    client = p.client(p.ent_user)
    r = client.post("/negative-list/report/", form(reporting_as="anonymous"))
    assert r.status_code == 200  # the page with the tracking code and password, shown once
    report = Report.objects.get(description=TEXT)
    assert report.tracking_code in r.content.decode()
    assert report.anonymous is True
    assert report.secret_hash  # followed with the tracking code and password, as any anonymous report
    assert report.enterprise_tag == "" and report.account_tag == ""
    assert not Report.objects.filter(enterprise_tag=enterprise_tag(p.enterprise.pk)).exists()
    assert not Report.objects.filter(account_tag=account_tag(p.ent_user)).exists()
    identity = crypto.decrypt_identity(report.identity_token)
    assert not {"user_id", "username", "enterprise_id", "enterprise_name", "enterprise_uscc"} & set(identity)
    assert not any(identity.values())  # nothing typed, nothing taken from the account
    assert all(e.actor_id is None for e in report.events.all())
    # Not among the enterprise's own reports.
    mine = client.get("/negative-list/mine/").content.decode()
    assert report.number not in mine


def test_without_the_anonymous_choice_the_enterprise_reports_by_name(p, nl):
    r = p.client(p.ent_user).post("/negative-list/report/", form(reporting_as="named"))
    report = Report.objects.get(description=TEXT)
    assert r.status_code == 302 and r["Location"].endswith(f"/{report.pk}/")
    assert report.anonymous is False
    assert report.account_tag == account_tag(p.ent_user)
    assert crypto.decrypt_identity(report.identity_token)["enterprise_id"] == p.enterprise.pk

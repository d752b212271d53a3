import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from wuyou.core.audit import AuditRecord, verify_admin
from wuyou.orgs import auth_events


@pytest.mark.django_db
def test_events_are_chained_with_the_source_address(p):
    request = RequestFactory().post("/login/", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="pytest")
    request.user = p.ent_user
    auth_events.record("login_ok", user=p.ent_user, request=request)
    anon = RequestFactory().post("/login/", REMOTE_ADDR="10.9.9.9")
    auth_events.record("login_failed", username="nobody", request=anon)
    ok, failed = AuditRecord.objects.order_by("seq")
    assert ok.action == "auth.login_ok" and ok.actor_id == p.ent_user.pk
    assert ok.after == {"ip": "10.1.2.3", "user_agent": "pytest"}
    # A failed login is not the account holder's act, and an unknown name is kept as the name tried.
    assert failed.actor_id is None and failed.subject_label == "nobody"
    assert failed.after["ip"] == "10.9.9.9"
    assert verify_admin()[1] is None


def test_unknown_event_is_refused():
    with pytest.raises(ImproperlyConfigured):
        auth_events.record("login_maybe")

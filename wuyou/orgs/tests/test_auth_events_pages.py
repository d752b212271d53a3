"""Authentication events from the pages land once each in the audit chain (orgs.auth_events), and the
audit page's 登录认证 category lists them in Chinese for the audit readers only."""

import time
from datetime import UTC, datetime

import pyotp
import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from wuyou.accounts import recent, twofactor
from wuyou.core.audit import AuditRecord, verify_admin
from wuyou.orgs import audit_labels, auth_events, services
from wuyou.orgs.models import Role, User
from wuyou.testing import PASSWORD, make_user

START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
NEW_PASSWORD = "Another-pass-4567"


class Trail:
    """The authentication events recorded since the last look."""

    def __init__(self):
        self.seen = 0

    def new(self) -> list[AuditRecord]:
        rows = list(AuditRecord.objects.filter(action__startswith="auth.", seq__gt=self.seen).order_by("seq"))
        if rows:
            self.seen = rows[-1].seq
        return rows

    def new_actions(self) -> list[str]:
        return [r.action.removeprefix("auth.") for r in self.new()]


def reauthenticated(c):
    session = c.session
    session[recent.SESSION_KEY] = int(time.time())
    session.save()
    return c


def login(c, username, password=PASSWORD):
    return c.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_login_failure_logout_and_password_change_are_recorded_once(p):
    trail, c = Trail(), Client()
    assert login(c, "ent", "wrong-password").status_code == 200
    [failed] = trail.new()
    assert failed.action == "auth.login_failed" and failed.actor is None and failed.subject_label == "ent"
    assert login(c, "ent").status_code == 302
    [ok] = trail.new()
    assert ok.action == "auth.login_ok" and ok.actor == p.ent_user and ok.after["ip"] == "127.0.0.1"
    r = c.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert r.status_code == 302
    assert trail.new_actions() == ["password_changed"]
    c.post(reverse("logout"))
    assert trail.new_actions() == ["logout"]
    # A failed re-authentication counts too: it is a wrong password of a signed-in user.
    c2 = p.client(p.center)
    c2.post(reverse("verify_identity"), {"password": "not-it"})
    [again] = trail.new()
    assert again.action == "auth.login_failed" and again.actor == p.center and again.note == "验证身份"
    assert verify_admin()[1] is None


@pytest.mark.django_db
def test_the_api_token_endpoint_records_no_page_login(p):
    trail = Trail()
    r = Client().post(
        "/api/v1/auth/token", {"username": "ent", "password": PASSWORD}, content_type="application/json"
    )
    assert r.status_code == 200
    assert trail.new_actions() == ["token_issued"]  # no login_ok beside it
    Client().post("/api/v1/auth/token", {"username": "ent", "password": "x"}, content_type="application/json")
    assert trail.new_actions() == ["login_failed"]  # once, not again from a signal


@pytest.mark.django_db
def test_two_factor_events_from_the_pages(p):
    trail = Trail()
    with time_machine.travel(START, tick=False) as clock:
        c = p.client(p.ent_user)
        c.get(reverse("two_factor"))
        totp = pyotp.TOTP(c.session["wuyou_totp_pending"])
        assert c.post(reverse("two_factor"), {"code": totp.now()}).status_code == 200
        assert trail.new_actions() == ["twofactor_enabled"]
        clock.shift(60)
        r = c.post(reverse("two_factor"), {"code": totp.now(), "action": "recovery"})
        codes = r.context["codes"]
        assert trail.new_actions() == ["recovery_codes_regenerated"]

        # Signing in: a wrong code, then a recovery code.
        c = Client()
        assert login(c, "ent")["Location"] == reverse("login_code")
        c.post(reverse("login_code"), {"code": "000000"})
        [wrong] = trail.new()
        assert wrong.action == "auth.twofactor_failed" and wrong.actor is None and wrong.note == "登录"
        assert c.post(reverse("login_code"), {"code": codes[0]}).status_code == 302
        used, ok = trail.new()
        assert (used.action, ok.action) == ("auth.recovery_code_used", "auth.login_ok")
        assert "剩余 9 个" in used.note and ok.note == "网页登录（密码 + 恢复码）"

        c.post(reverse("two_factor"), {"code": codes[1], "action": "disable"})
        assert trail.new_actions() == ["recovery_code_used", "twofactor_disabled"]
        assert not twofactor.enabled(p.ent_user)


@pytest.mark.django_db
def test_an_expired_session_is_recorded_as_such_not_as_a_logout(p):
    trail = Trail()
    with time_machine.travel(START, tick=False) as clock:
        c = p.client(p.center)
        clock.shift(31 * 60)
        assert c.get("/notifications/").status_code == 302
    [expired] = trail.new()
    assert expired.action == "auth.session_expired" and expired.note == "空闲超时"
    assert expired.actor is None and expired.subject_id == str(p.center.pk)  # the system ended it


def admin_change(c, user, **changes):
    """Post the admin's change form of `user` with some fields changed."""
    url = reverse("admin:orgs_user_change", args=[user.pk])
    form = c.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    for k in ("date_joined", "last_login", "locked_until"):
        data.pop(k, None)
    data.update(date_joined_0="2026-01-01", date_joined_1="00:00:00", **changes)
    if not data.get("is_active", True):
        data.pop("is_active")  # an unticked checkbox is not sent
    data = {k: v for k, v in data.items() if not isinstance(v, list) or v}
    r = c.post(url, data)
    assert r.status_code == 302, r.context["adminform"].form.errors
    return r


@pytest.mark.django_db
def test_role_changes_deactivation_and_password_reset_in_the_admin(p):
    trail = Trail()
    sec = make_user("sec", Role.SECURITY_ADMIN, is_staff=True)
    c = p.client(sec)
    # Changing a role asks for the password again first, and comes back to the form.
    url = reverse("admin:orgs_user_change", args=[p.cadre.pk])
    r = c.get(url)
    assert r.status_code == 302 and r["Location"] == recent.verify_url(url)
    r = c.post(reverse("verify_identity"), {"password": PASSWORD, "next": url})
    assert r["Location"] == url

    admin_change(c, p.cadre, role=Role.CENTER, department=p.center.department_id)
    [changed] = trail.new()
    assert changed.action == "auth.role_changed" and changed.actor == sec
    assert "角色：联企干部 → 协调中心" in changed.note and "单位：无 → " in changed.note

    admin_change(c, p.cadre, is_active=False)
    assert trail.new_actions() == ["user_deactivated"]
    admin_change(c, p.cadre, is_active=True)
    assert trail.new_actions() == ["user_reactivated"]
    admin_change(c, p.cadre, first_name="改名")
    assert trail.new_actions() == []  # no change of access, no authentication event

    r = c.post(
        reverse("admin:auth_user_password_change", args=[p.handler.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert r.status_code == 302
    [reset] = trail.new()
    assert reset.action == "auth.password_reset" and reset.actor == sec
    assert reset.subject_id == str(p.handler.pk)


@pytest.mark.django_db
def test_changing_a_role_in_the_admin_without_recent_authentication_changes_nothing(p):
    sec = make_user("sec", Role.SECURITY_ADMIN, is_staff=True)
    c = p.client(sec)
    session = c.session
    session[recent.SESSION_KEY] = int(time.time()) - 3600  # an hour ago: not recent
    session.save()
    url = reverse("admin:orgs_user_change", args=[p.cadre.pk])
    r = c.post(url, {"role": Role.CENTER, "username": "cadre"})
    assert r.status_code == 302 and r["Location"].startswith(reverse("verify_identity"))
    assert User.objects.get(pk=p.cadre.pk).role == Role.CADRE
    assert not AuditRecord.objects.filter(action="auth.role_changed").exists()


def test_every_authentication_event_has_a_chinese_label():
    for event in auth_events.EVENTS:
        label = audit_labels.action_label(auth_events.action_of(event), "orgs.user")
        assert not label.startswith("auth."), event
    for event, label in {
        "login_throttled": "登录被限速",
        "account_locked": "账号被锁定",
        "token_issued": "签发接口令牌",
        "token_revoked": "吊销接口令牌",
        "tokens_revoked": "吊销全部令牌",
    }.items():
        assert audit_labels.action_label(f"auth.{event}") == label


@pytest.mark.django_db
def test_the_audit_page_filters_authentication_events(p):
    login(Client(), "ent", "wrong-password")
    login(Client(), "ent")
    services.department_update(code="gdgs", by=p.center, keywords="供电")  # not an authentication event
    auditor = make_user("auditor", Role.AUDIT_ADMIN)
    c = p.client(auditor)
    page = c.get(reverse("audit_log"), {"category": "auth"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "登录认证" in html and "登录失败" in html and "登录成功" in html and "来源地址" in html
    assert "修改部门信息" not in html.split("<table>")[1]
    assert {r["r"].action for r in page.context["rows"]} == {"auth.login_failed", "auth.login_ok"}
    # Anything but an offered category filters nothing (and breaks nothing).
    unknown = c.get(reverse("audit_log"), {"category": "x" * 5000})
    assert unknown.status_code == 200 and len(unknown.context["rows"]) == 3
    # The export follows the same filter.
    assert c.get(reverse("audit_export"), {"category": "auth"}).status_code == 200
    # A role that changes the system, or handles appeals, does not read its audit.
    for who in (p.center, p.ent_user, make_user("sysadmin", Role.ADMIN, is_staff=True)):
        assert p.client(who).get(reverse("audit_log"), {"category": "auth"}).status_code == 403

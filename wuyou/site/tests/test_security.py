"""Issue 9: password rules, forced change, TOTP login with recovery codes, separation of duties,
re-authentication before revealing a reporter's identity."""

import time

import pyotp
import pytest
from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.urls import reverse

from wuyou.accounts import passwords, twofactor
from wuyou.accounts.models import TOTPDevice
from wuyou.negative_list.permissions import is_investigator
from wuyou.orgs.models import Role, User
from wuyou.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db
GOOD = "Grün-Pass-2026x"


def refused(pw, user=None):
    with pytest.raises(ValidationError):
        validate_password(pw, user)


def test_password_rules():
    refused("zhuzhou2026")  # the example: 11 characters, two classes
    refused("zhuzhou20261")  # 12 characters, still two classes
    refused("Aa1!short")
    validate_password("Zhuzhou-2026")  # 12 characters, four classes
    validate_password("zhuzhou2026!X")


def test_the_last_five_passwords_cannot_be_reused():
    u = make_user("hist", Role.ENTERPRISE)
    used = [f"Old-Password-{i}x" for i in range(6)]
    for pw in used:
        u.set_password(pw)
        u.save()
    for pw in used[1:]:
        refused(pw, u)
    validate_password(used[0], u)  # the sixth-last is allowed again


def login(c, username, password=PASSWORD):
    return c.post(reverse("login"), {"username": username, "password": password})


def test_a_password_an_admin_set_must_be_changed_first():
    root = User.objects.create_superuser(
        username="root", password="Root-Pass-2026!", role=Role.SECURITY_ADMIN
    )
    admin_client = Client()
    admin_client.force_login(root)
    s = admin_client.session
    s["wuyou_recent_auth"] = int(time.time())
    s.save()
    r = admin_client.post(
        "/admin/orgs/user/add/",
        {
            "username": "newbie",
            "password1": "Initial-Pass-2026",
            "password2": "Initial-Pass-2026",
            "usable_password": "true",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    c = Client()
    r = login(c, "newbie", "Initial-Pass-2026")
    assert r["Location"] == reverse("password_change")
    assert c.get(reverse("notifications"))["Location"] == reverse("password_change")  # nothing else
    r = c.post(
        reverse("password_change"),
        {"old_password": "Initial-Pass-2026", "new_password1": "zhuzhou2026", "new_password2": "zhuzhou2026"},
    )
    assert r.status_code == 200 and "密码太短" in r.content.decode()
    r = c.post(
        reverse("password_change"),
        {"old_password": "Initial-Pass-2026", "new_password1": GOOD, "new_password2": GOOD},
    )
    assert r.status_code == 302
    assert c.get(reverse("notifications")).status_code == 200
    assert not passwords.must_change(User.objects.get(username="newbie"))


def enrol(c):
    c.get(reverse("two_factor"))
    secret = c.session["wuyou_totp_pending"]
    r = c.post(reverse("two_factor"), {"code": pyotp.TOTP(secret).now()})
    codes = [
        li.split("</li>")[0] for li in r.content.decode().split('id="recovery-codes"')[1].split("<li>")[1:]
    ]
    return secret, codes


def test_totp_enrol_login_recovery_code_and_replay():
    u = make_user("ent2fa", Role.ENTERPRISE)
    c = Client()
    c.force_login(u)
    secret, codes = enrol(c)
    assert len(codes) == 10 and twofactor.enabled(u)
    # Password step, then the code step: not logged in in between.
    c = Client()
    assert login(c, "ent2fa")["Location"] == reverse("login_code")
    assert c.get(reverse("notifications")).status_code == 302
    TOTPDevice.objects.filter(user=u).update(last_step=0)
    code = pyotp.TOTP(secret).now()
    assert c.post(reverse("login_code"), {"code": code}).status_code == 302
    assert c.get(reverse("notifications")).status_code == 200
    assert not twofactor.verify(u, code)  # the same code twice: refused
    assert twofactor.verify(u, codes[0])
    assert not twofactor.verify(u, codes[0])  # a recovery code works once


def test_five_wrong_codes_end_the_half_login():
    u = make_user("ent2fb", Role.ENTERPRISE)
    c = Client()
    c.force_login(u)
    enrol(c)
    c = Client()
    login(c, "ent2fb")
    for _ in range(4):
        assert c.post(reverse("login_code"), {"code": "000000"}).status_code == 200
    assert c.post(reverse("login_code"), {"code": "000000"})["Location"] == reverse("login")
    assert c.get(reverse("login_code"))["Location"] == reverse("login")


def test_required_for_admins_investigators_and_leaders_outside_demo():
    inv = make_user("inv", Role.CENTER)
    inv.user_permissions.add(Permission.objects.get(codename="investigate_report"))
    inv = User.objects.get(pk=inv.pk)
    for user in (make_user("lead", Role.LEADER), make_user("sec", Role.SECURITY_ADMIN), inv):
        assert twofactor.required(user)
        assert login(Client(), user.username)["Location"] == reverse("login_enroll")
    assert not twofactor.required(make_user("plain", Role.ENTERPRISE))
    with override_settings(DEMO=True):
        assert not twofactor.required(inv)
        c = Client()
        assert login(c, "lead")["Location"] != reverse("login_enroll")
        assert c.get(reverse("notifications")).status_code == 200


def test_load_demo_refuses_outside_demo_mode():
    with override_settings(DEMO=False, TESTING=False), pytest.raises(CommandError):
        call_command("load_demo", "--appeals", "1", "--enterprises", "1")
    assert not User.objects.filter(username="admin").exists()


def test_separation_of_duties():
    root = make_user("root2", Role.ADMIN, is_superuser=True, is_staff=True)
    sec = make_user("sec2", Role.SECURITY_ADMIN, is_staff=True)
    aud = make_user("aud2", Role.AUDIT_ADMIN)
    insp = make_user("insp2", Role.INSPECTOR)
    center = make_user("center2", Role.CENTER)

    def client(u):
        c = Client()
        c.force_login(u)
        return c

    assert client(root).get("/audit/").status_code == 403  # the system administrator
    assert client(center).get("/audit/").status_code == 403  # the center configures: no audit
    assert client(sec).get("/audit/").status_code == 403
    assert client(aud).get("/audit/").status_code == 200
    assert client(insp).get("/audit/").status_code == 200
    assert client(aud).get("/admin/").status_code == 302  # not staff: the admin's login page
    # Only the security administrator (and a superuser) manages users; a staff sysadmin does not.
    sysadmin = make_user("sys2", Role.ADMIN, is_staff=True)
    sysadmin.user_permissions.add(*Permission.objects.filter(codename__in=["change_user", "view_user"]))
    assert client(sysadmin).get("/admin/orgs/user/").status_code == 403
    c = client(sec)
    assert c.get("/admin/orgs/user/").status_code == 200
    # Changing a role needs a recent re-authentication.
    r = c.get(f"/admin/orgs/user/{center.pk}/change/")
    assert r.status_code == 302 and r["Location"].startswith(reverse("verify_identity"))
    r = c.post(
        reverse("verify_identity"), {"password": PASSWORD, "next": f"/admin/orgs/user/{center.pk}/change/"}
    )
    assert r["Location"] == f"/admin/orgs/user/{center.pk}/change/"
    assert c.get(r["Location"]).status_code == 200
    # Neither a superuser nor the security administrator reveals identities unless designated.
    assert not is_investigator(root) and not is_investigator(sec)
    root.user_permissions.add(Permission.objects.get(codename="investigate_report"))
    assert is_investigator(User.objects.get(pk=root.pk))


def test_reveal_needs_a_reason_and_a_recent_authentication(p):
    from wuyou.core.audit import AuditRecord
    from wuyou.negative_list import catalog
    from wuyou.negative_list.models import IdentityAccess
    from wuyou.negative_list.tests.helpers import PHONE, file_report

    catalog.load_demo_list()
    inv = make_user("inv3", Role.CENTER, department="ybhj")
    inv.user_permissions.add(Permission.objects.get(codename="investigate_report"))
    report, _ = file_report(p.ent_user)
    c = Client()
    c.force_login(inv)
    url = f"/negative-list/center/{report.pk}/identity/"
    r = c.post(url, {"reason": "核实"})
    assert r["Location"].startswith(reverse("verify_identity"))
    assert IdentityAccess.objects.count() == 0
    c.post(reverse("verify_identity"), {"password": PASSWORD})
    r = c.post(url, {"reason": ""})
    assert r.status_code == 302 and IdentityAccess.objects.count() == 0
    assert PHONE in c.post(url, {"reason": "核实举报事实"}).content.decode()
    assert AuditRecord.objects.get(action="nl_report.identity_revealed").note == "核实举报事实"
    # The API asks for the password in the body.
    api = p.api(inv)
    u = f"/api/v1/reports/{report.pk}/identity"
    assert (
        api.post(u, {"password": "wrong", "reason": "x"}, content_type="application/json").status_code == 403
    )
    r = api.post(u, {"password": PASSWORD, "reason": "核实"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["phone"] == PHONE


def token(username, **extra):
    return Client().post(
        "/api/v1/auth/token",
        {"username": username, "password": PASSWORD, **extra},
        content_type="application/json",
    )


def test_the_api_token_needs_the_second_factor_too():
    from wuyou.core.audit import AuditRecord

    u = make_user("api2fa", Role.ENTERPRISE)
    secret = twofactor.new_secret()
    assert twofactor.enroll(u, secret, pyotp.TOTP(secret).at(time.time() - 30))
    resp = token("api2fa")
    assert resp.status_code == 401 and resp.json()["code"] == "otp_invalid"
    resp = token("api2fa", otp=pyotp.TOTP(secret).now())
    assert resp.status_code == 200 and resp.json()["token"]
    assert AuditRecord.objects.filter(action__startswith="auth.token_issued").exists()
    # Required but not enrolled (a city leader outside demo mode): no token from the password alone.
    make_user("apilead", Role.LEADER)
    resp = token("apilead")
    assert resp.status_code == 401 and resp.json()["code"] == "otp_enrolment_required"
    with override_settings(DEMO=True):
        assert token("apilead").status_code == 200  # the printed demo logins work as they are

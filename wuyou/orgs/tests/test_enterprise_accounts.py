"""Enterprise accounts (issue 10, item 10): self-registration checked against the register with an SMS code,
password reset by SMS, the enterprise administrator's own users. The SMS rules: 6 digits, hashed at rest,
10 minutes, used once, 5 tries, sends limited per phone and per address, and a reset that does not tell
whether an account exists."""

import re
import threading
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.test import Client
from django.utils import timezone

from wuyou.core.audit import AuditRecord
from wuyou.orgs import sms_codes
from wuyou.orgs.models import ApiToken, Registration, Role, SmsCode, User
from wuyou.testing import make_uscc, make_user

pytestmark = pytest.mark.django_db

STRONG = "Qiye-Zhuce-2026!"
STRONG2 = "Xin-Mima-2026#ok"
REGISTER_PHONE = "13812341234"  # the contact phone of the personas' enterprises (wuyou.testing)


class CapturedSms:
    """The SMS backend of these tests (settings.SMS_BACKEND): keeps what was sent."""

    sent: list[tuple[str, str]] = []

    def send(self, to, text):
        CapturedSms.sent.append((to, text))


@pytest.fixture(autouse=True)
def sms(settings):
    settings.SMS_BACKEND = f"{__name__}.CapturedSms"
    CapturedSms.sent = []
    return CapturedSms.sent


def last_code(sent, phone=None) -> str:
    texts = [t for to, t in sent if phone is None or to == phone]
    assert texts, f"no SMS sent to {phone}"
    return re.search(r"验证码 (\d{6})", texts[-1]).group(1)


def events(name):
    return AuditRecord.objects.filter(action=f"auth.{name}")


def start_registration(client, p, phone=REGISTER_PHONE, **extra):
    return client.post("/register/", {"uscc": p.enterprise.uscc, "phone": phone, "name": "王建国", **extra})


def finish_registration(client, code, username="wangjg", password=STRONG):
    return client.post(
        "/register/verify/",
        {"code": code, "username": username, "password1": password, "password2": password},
    )


def errors(resp) -> str:
    return " ".join(re.findall(r'class="errorlist"[^>]*>(.*?)</', resp.content.decode(), re.S))


# ---------------------------------------------------------------- registration


def test_the_register_phone_opens_the_account_and_the_first_user_is_its_administrator(p, sms):
    client = Client()
    # Typed on a phone: spaces in the credit code and the number.
    uscc = " ".join([p.enterprise.uscc[:6], p.enterprise.uscc[6:]])
    r = client.post("/register/", {"uscc": uscc.lower(), "phone": "138 1234 1234", "name": "王建国"})
    assert r.status_code == 302 and r["Location"] == "/register/verify/"
    assert sms[-1][0] == REGISTER_PHONE
    code = last_code(sms)
    row = SmsCode.objects.get(phone=REGISTER_PHONE)
    assert code not in row.code_hash and len(row.code_hash) == 64  # kept as an HMAC, never as typed
    assert row.expires_at - row.created_at == timedelta(minutes=10)
    page = client.get("/register/verify/").content.decode()
    assert "138****1234" in page and code not in page  # outside demo mode the page never shows the code

    r = finish_registration(client, f" {code[:3]} {code[3:]}")  # full of spaces, as typed
    assert r.status_code == 200, errors(r)
    assert "企业管理员" in r.content.decode()
    user = User.objects.get(username="wangjg")
    assert user.is_active and user.is_enterprise_admin
    assert user.role == Role.ENTERPRISE and user.enterprise == p.enterprise and user.phone == REGISTER_PHONE
    assert user.registration.status == Registration.Status.APPROVED and user.registration.phone_matches
    assert authenticate(username="wangjg", password=STRONG) == user
    assert events("registered").filter(subject_id=str(user.pk), actor_id=user.pk).exists()


def test_a_credit_code_not_in_the_register_is_said_and_nothing_is_sent(p, sms):
    r = Client().post("/register/", {"uscc": make_uscc(77), "phone": REGISTER_PHONE, "name": "王建国"})
    assert r.status_code == 200
    assert "不在企业名录中" in errors(r)
    bad = p.enterprise.uscc[:17] + ("0" if p.enterprise.uscc[17] != "0" else "1")
    r = Client().post("/register/", {"uscc": bad, "phone": REGISTER_PHONE, "name": "王建国"})
    assert "校验位错误" in errors(r)
    r = Client().post("/register/", {"uscc": p.enterprise.uscc, "phone": "0731-28888888", "name": "王建国"})
    assert "手机" in errors(r)  # a landline cannot receive the code
    assert sms == [] and not SmsCode.objects.exists()


def test_an_enterprise_with_an_administrator_adds_its_users_itself(p, sms):
    p.ent_user.is_enterprise_admin = True
    p.ent_user.save()
    r = start_registration(Client(), p)
    assert "请联系本企业管理员为您添加账号" in errors(r)
    assert sms == []


def test_another_phone_waits_for_the_center_and_is_told_only_after_verifying(p, sms):
    client = Client()
    r = start_registration(client, p, phone="13900001111")
    assert r.status_code == 302  # the same answer as for the register's phone: nothing told yet
    r = finish_registration(client, last_code(sms, "13900001111"))
    assert "已提交协调中心审核" in r.content.decode()
    user = User.objects.get(username="wangjg")
    assert not user.is_active and not user.is_enterprise_admin
    reg = user.registration
    assert reg.status == Registration.Status.PENDING and not reg.phone_matches
    assert authenticate(username="wangjg", password=STRONG) is None

    center = p.client(p.center)
    page = center.get("/enterprises/registrations/").content.decode()
    assert "13900001111" in page and p.enterprise.name in page
    # Rejecting needs a reason; nothing changes without one.
    r = center.post("/enterprises/registrations/", {"registration": reg.pk, "action": "reject"})
    reg.refresh_from_db()
    assert reg.status == Registration.Status.PENDING
    # Stale: the page the center saw said pending; once decided, a second decision is 409-refused.
    r = center.post(
        "/enterprises/registrations/",
        {"registration": reg.pk, "action": "approve", "expected_status": "pending"},
    )
    assert r.status_code == 302
    user.refresh_from_db()
    reg.refresh_from_db()
    assert user.is_active and user.is_enterprise_admin and reg.status == Registration.Status.APPROVED
    assert reg.decided_by == p.center
    assert "已审核通过" in sms[-1][1] and sms[-1][0] == "13900001111"
    assert events("registration_approved").filter(actor_id=p.center.pk).exists()
    again = center.post(
        "/enterprises/registrations/",
        {"registration": reg.pk, "action": "reject", "reason": "重复", "expected_status": "pending"},
        follow=True,
    )
    assert "状态已变化" in again.content.decode()
    reg.refresh_from_db()
    assert reg.status == Registration.Status.APPROVED
    # Only the center decides.
    assert p.client(p.ent_user).get("/enterprises/registrations/").status_code == 403


def test_the_center_rejects_with_a_reason_and_the_account_stays_closed(p, sms):
    client = Client()
    start_registration(client, p, phone="13900001111")
    finish_registration(client, last_code(sms))
    reg = Registration.objects.get()
    p.client(p.center).post(
        "/enterprises/registrations/", {"registration": reg.pk, "action": "reject", "reason": "非本企业员工"}
    )
    reg.refresh_from_db()
    assert reg.status == Registration.Status.REJECTED and reg.reason == "非本企业员工"
    assert not reg.user.is_active
    assert "未通过：非本企业员工" in sms[-1][1]


# ---------------------------------------------------------------- the code's rules


def test_a_wrong_code_counts_and_five_wrong_ones_kill_it(p, sms):
    client = Client()
    start_registration(client, p)
    code = last_code(sms)
    wrong = "000000" if code != "000000" else "111111"
    r = finish_registration(client, wrong)
    assert "验证码不正确，还可再试 4 次" in errors(r)
    for _ in range(4):
        r = finish_registration(client, wrong)
    assert "已失效" in errors(r)
    assert events("sms_code_exhausted").exists()
    r = finish_registration(client, code)  # the right code, too late
    assert "已失效" in errors(r)
    assert not User.objects.filter(username="wangjg").exists()


def test_an_expired_code_is_refused(p, sms):
    client = Client()
    start_registration(client, p)
    SmsCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    r = finish_registration(client, last_code(sms))
    assert "已失效" in errors(r)
    assert not User.objects.filter(username="wangjg").exists()


def test_a_new_code_retires_the_old_one(p, sms, settings):
    settings.SMS_SEND_LIMITS = {**settings.SMS_SEND_LIMITS, "phone": [(5, 60)]}
    client = Client()
    start_registration(client, p)
    first = last_code(sms)
    start_registration(client, p)
    second = last_code(sms)
    assert SmsCode.objects.filter(used_at__isnull=True, expires_at__gt=timezone.now()).count() == 1
    if first != second:
        assert "验证码不正确" in errors(finish_registration(client, first))
        assert not User.objects.filter(username="wangjg").exists()
    assert finish_registration(client, second).status_code == 200
    assert User.objects.filter(username="wangjg").exists()


def test_a_used_code_cannot_be_used_again(p, sms):
    user = make_user("li", Role.ENTERPRISE, enterprise=p.enterprise, phone="13900002222")
    client = Client()
    client.post("/account/reset/", {"identifier": "li"})
    code = last_code(sms, "13900002222")
    form = {"identifier": "li", "code": code, "password1": STRONG, "password2": STRONG}
    assert client.post("/account/reset/verify/", form).status_code == 302
    form.update(password1=STRONG2, password2=STRONG2)
    r = client.post("/account/reset/verify/", form)
    assert "验证码不正确或已失效" in errors(r)
    user.refresh_from_db()
    assert user.check_password(STRONG) and not user.check_password(STRONG2)


def test_sends_are_limited_per_phone_and_per_address(p, sms, settings):
    client = Client()
    start_registration(client, p)
    r = start_registration(client, p)  # the same phone within the minute
    assert "过于频繁" in errors(r)
    assert len(sms) == 1
    # Per address: other phones from the same address, up to the address's limit.
    settings.SMS_SEND_LIMITS = {**settings.SMS_SEND_LIMITS, "address": [(3, 3600)]}
    for phone in ("13900000001", "13900000002"):
        assert start_registration(Client(), p, phone=phone).status_code == 302
    r = start_registration(Client(), p, phone="13900000003")
    assert "过于频繁" in errors(r)
    assert len(sms) == 3
    # Another address is not held back by this one.
    assert start_registration(Client(REMOTE_ADDR="10.1.2.3"), p, phone="13900000004").status_code == 302


def test_invalid_input_uses_up_no_quota(p, sms):
    client = Client()
    for _ in range(3):
        client.post("/register/", {"uscc": "not-a-code", "phone": REGISTER_PHONE, "name": "王建国"})
    assert start_registration(client, p).status_code == 302


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_parallel_wrong_codes_check_at_most_five():
    row, code = sms_codes.issue(SmsCode.Purpose.REGISTER, "13900003333")
    wrong = "000000" if code != "000000" else "111111"
    results, barrier = [], threading.Barrier(20)

    def guess():
        from django.db import connections

        try:
            barrier.wait()
            results.append(sms_codes.check(row, wrong))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(sms_codes.WRONG) == 5 and results.count(sms_codes.DEAD) == 15
    assert sms_codes.check(row, code) == sms_codes.DEAD


# ---------------------------------------------------------------- password reset


def test_reset_gives_the_same_answer_whether_or_not_the_account_exists(p, sms):
    make_user("li", Role.ENTERPRISE, enterprise=p.enterprise, phone="13900002222")
    answers = []
    for identifier in ("li", "13900002222", "no-such-user", "13900009999", "center"):
        client = Client(REMOTE_ADDR=f"10.0.0.{len(answers) + 1}")
        r = client.post("/account/reset/", {"identifier": identifier}, follow=True)
        # What differs is only the values of inputs: the name typed (kept for step 2) and the CSRF token.
        page = re.sub(r'value="[^"]*"', 'value=""', r.content.decode())
        answers.append((r.status_code, r.redirect_chain, page))
    assert all(a == answers[0] for a in answers), "the reset page told existing and missing accounts apart"
    # Only the real enterprise account got a code (staff reset through the security administrator); the
    # second request for it, by phone, sent none: the phone's own limit is kept silently.
    assert sms and {to for to, _ in sms} == {"13900002222"} and len(sms) == 1
    # A wrong code: the same words for a real account and a missing one.
    form = {"code": "123456", "password1": STRONG, "password2": STRONG}
    real = errors(Client().post("/account/reset/verify/", {**form, "identifier": "li"}))
    missing = errors(Client().post("/account/reset/verify/", {**form, "identifier": "nobody"}))
    assert real == missing == "验证码不正确或已失效，请核对后重试，或重新获取验证码。"


def test_the_reset_limit_counts_what_was_typed_not_whether_it_exists(p, sms):
    make_user("li", Role.ENTERPRISE, enterprise=p.enterprise, phone="13900002222")
    for identifier in ("li", "ghost"):
        client = Client()
        assert client.post("/account/reset/", {"identifier": identifier}).status_code == 302
        assert "过于频繁" in errors(client.post("/account/reset/", {"identifier": identifier}))


def test_reset_sets_a_password_under_the_rules_and_ends_lockout_and_tokens(p, sms):
    user = make_user("li", Role.ENTERPRISE, enterprise=p.enterprise, phone="13900002222")
    ApiToken.issue(user)
    User.objects.filter(pk=user.pk).update(
        failed_logins=3, locked_until=timezone.now() + timedelta(minutes=9)
    )
    client = Client()
    r = client.post("/account/reset/", {"identifier": "139 0000 2222"})
    assert r.status_code == 302 and r["Location"] == "/account/reset/verify/"
    code = last_code(sms)
    page = client.get("/account/reset/verify/").content.decode()
    assert 'value="139 0000 2222"' in page  # the name typed in step 1 is kept (in the session)
    form = {"identifier": "13900002222", "code": code}
    r = client.post("/account/reset/verify/", {**form, "password1": "short", "password2": "short"})
    assert "密码太短" in errors(r)
    r = client.post(
        "/account/reset/verify/", {**form, "password1": "persona-pass-123", "password2": "persona-pass-123"}
    )
    assert "最近 5 次" in errors(r)  # the current password is not a new one
    r = client.post("/account/reset/verify/", {**form, "password1": STRONG, "password2": STRONG})
    assert r.status_code == 302 and r["Location"] == "/login/"
    user.refresh_from_db()
    assert user.check_password(STRONG) and user.failed_logins == 0 and user.locked_until is None
    assert not ApiToken.objects.filter(user=user).exists()
    assert events("password_reset_sms").filter(subject_id=str(user.pk), actor_id=user.pk).exists()


# ---------------------------------------------------------------- the enterprise's own users


@pytest.fixture
def admin(p):
    p.ent_user.is_enterprise_admin = True
    p.ent_user.first_name = "张经理"
    p.ent_user.save()
    return p.ent_user


def test_the_administrator_adds_a_colleague_who_sets_a_password_from_the_invitation(p, sms, admin):
    client = p.client(admin)
    r = client.post("/enterprise/users/", {"action": "add", "name": "李会计", "phone": "139-0000-4444"})
    assert r.status_code == 302, errors(r)
    colleague = User.objects.get(phone="13900004444")
    assert colleague.username == "13900004444" and colleague.enterprise == p.enterprise
    assert colleague.role == Role.ENTERPRISE and not colleague.is_enterprise_admin
    assert not colleague.has_usable_password()
    to, text = sms[-1]
    assert to == "13900004444" and "/account/reset/verify/" in text and p.enterprise.name in text
    assert events("user_added").filter(actor_id=admin.pk, subject_id=str(colleague.pk)).exists()
    # The invitation's code sets the password on the page it links to, in a fresh browser.
    form = {"identifier": "13900004444", "code": last_code(sms), "password1": STRONG, "password2": STRONG}
    assert Client().post("/account/reset/verify/", form).status_code == 302
    assert authenticate(username="13900004444", password=STRONG) is not None
    page = client.get("/enterprise/users/").content.decode()
    assert "李会计" in page and "139****4444" in page


def test_the_administrator_deactivates_a_colleague(p, sms, admin):
    colleague = make_user("li", Role.ENTERPRISE, enterprise=p.enterprise, phone="13900002222")
    their_client = p.client(colleague)
    r = p.client(admin).post("/enterprise/users/", {"action": "remove", "user": colleague.pk})
    assert r.status_code == 302
    colleague.refresh_from_db()
    assert not colleague.is_active
    assert authenticate(username="li", password="persona-pass-123") is None
    assert their_client.get("/appeals/mine/").status_code == 302  # the open session ends with it
    assert events("user_removed").filter(actor_id=admin.pk, subject_id=str(colleague.pk)).exists()
    # Not oneself.
    p.client(admin).post("/enterprise/users/", {"action": "remove", "user": admin.pk})
    admin.refresh_from_db()
    assert admin.is_active


def test_another_enterprises_users_are_neither_listed_nor_touched(p, sms, admin):
    page = p.client(admin).get("/enterprise/users/").content.decode()
    assert f'data-username="{p.ent_user.username}"' in page
    assert f'data-username="{p.competitor_user.username}"' not in page
    r = p.client(admin).post(
        "/enterprise/users/", {"action": "remove", "user": p.competitor_user.pk}, follow=True
    )
    assert "用户不存在" in r.content.decode()
    p.competitor_user.refresh_from_db()
    assert p.competitor_user.is_active
    for staff in (p.center, p.handler):
        p.client(admin).post("/enterprise/users/", {"action": "remove", "user": staff.pk})
        staff.refresh_from_db()
        assert staff.is_active


def test_only_an_enterprise_administrator_manages_users(p, sms):
    # A plain enterprise user (and any staff) gets 403; an anonymous visitor the login page.
    assert p.client(p.ent_user).get("/enterprise/users/").status_code == 403
    r = p.client(p.ent_user).post(
        "/enterprise/users/", {"action": "add", "name": "某人", "phone": "13900005555"}
    )
    assert r.status_code == 403 and not User.objects.filter(phone="13900005555").exists()
    assert p.client(p.center).get("/enterprise/users/").status_code == 403
    assert Client().get("/enterprise/users/").status_code == 302
    # A deactivated administrator is no administrator.
    p.ent_user.is_enterprise_admin = True
    p.ent_user.save()
    assert p.client(p.ent_user).get("/enterprise/users/").status_code == 200
    assert p.client(p.competitor_user).get("/enterprise/users/").status_code == 403


def test_the_login_page_links_to_registration_and_reset(db):
    page = Client().get("/login/").content.decode()
    assert 'href="/register/"' in page and "企业注册" in page
    assert 'href="/account/reset/"' in page and "忘记密码" in page


def test_every_new_event_has_a_label():
    from wuyou.orgs import audit_labels, auth_events

    for name in ("registered", "password_reset_sms", "user_added", "user_removed", "sms_code_exhausted"):
        assert name in auth_events.EVENTS
        assert audit_labels.ACTIONS[f"auth.{name}"]


def test_demo_mode_shows_the_code_on_the_page(p, sms, settings):
    settings.DEMO = True
    client = Client()
    start_registration(client, p)
    page = client.get("/register/verify/").content.decode()
    assert f"演示模式：短信未真正发出，验证码 {last_code(sms)}" in page

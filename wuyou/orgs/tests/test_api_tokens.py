"""API tokens (issue 9, item 2): a lifetime, listing and revocation of one's own, a cap of live tokens,
and revocation on password change, deactivation and lockout."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from wuyou.core.audit import AuditRecord
from wuyou.orgs.models import ApiToken
from wuyou.testing import PASSWORD


def issue(username="center", password=PASSWORD, **extra):
    r = Client().post(
        "/api/v1/auth/token",
        {"username": username, "password": password, **extra},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    return r.json()


def bearer(raw):
    return Client(headers={"Authorization": f"Bearer {raw}"})


def me(raw):
    return bearer(raw).get("/api/v1/me").status_code


@pytest.mark.django_db
def test_a_token_lives_the_configured_days_then_is_refused(p):
    with time_machine.travel("2026-12-02 09:00 +0800", tick=False) as clock:
        body = issue()
        expires = timezone.datetime.fromisoformat(body["expires_at"])
        assert expires - timezone.now() == timedelta(days=settings.API_TOKEN_DAYS)
        clock.shift(timedelta(days=settings.API_TOKEN_DAYS) - timedelta(minutes=1))
        assert me(body["token"]) == 200
        clock.shift(timedelta(minutes=2))
        r = bearer(body["token"]).get("/api/v1/me")
        assert r.status_code == 401 and r.json()["code"] == "unauthorized"


@pytest.mark.django_db
def test_own_tokens_are_listed_and_revoked(p):
    first = issue(label="对接脚本")["token"]
    second = issue()["token"]
    r = bearer(second).get("/api/v1/auth/tokens")
    assert r.status_code == 200
    rows = r.json()
    assert [row["current"] for row in rows] == [True, False]
    assert rows[1]["label"] == "对接脚本"
    assert "token" not in rows[0] and "key_hash" not in rows[0]
    # Revoke the first by id from the second; then the second revokes itself.
    assert bearer(second).delete(f"/api/v1/auth/tokens/{rows[1]['id']}").status_code == 204
    assert me(first) == 401
    assert bearer(second).delete("/api/v1/auth/token").status_code == 204
    assert me(second) == 401
    assert AuditRecord.objects.filter(action="auth.token_revoked").count() == 2


@pytest.mark.django_db
def test_someone_elses_token_cannot_be_revoked_or_seen(p):
    mine = issue("center")["token"]
    theirs = issue("gdgs")["token"]
    their_id = ApiToken.objects.get(user=p.handler).pk
    r = bearer(mine).delete(f"/api/v1/auth/tokens/{their_id}")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert me(theirs) == 200
    assert all(row["id"] != their_id for row in bearer(mine).get("/api/v1/auth/tokens").json())
    assert bearer(mine).delete("/api/v1/auth/tokens/99999999999999999999999").status_code == 404


@pytest.mark.django_db
def test_revoking_the_current_token_needs_one(p):
    r = p.client(p.center).delete("/api/v1/auth/token")  # a session, not a token
    assert r.status_code == 400 and r.json()["code"] == "no_token"


@pytest.mark.django_db
@override_settings(API_TOKEN_MAX_LIVE=3)
def test_a_new_token_beyond_the_cap_retires_the_oldest(p):
    raws = [issue()["token"] for _ in range(4)]
    assert [me(raw) for raw in raws] == [401, 200, 200, 200]
    assert ApiToken.objects.filter(user=p.center).count() == 3


@pytest.mark.django_db
def test_a_password_change_revokes_every_token(p):
    raws = [issue()["token"] for _ in range(2)]
    p.center.set_password("Another-Passw0rd-2026")
    p.center.save()
    assert [me(raw) for raw in raws] == [401, 401]
    assert AuditRecord.objects.filter(
        action="auth.tokens_revoked", note__startswith="password_changed"
    ).exists()


@pytest.mark.django_db
def test_a_silent_hash_upgrade_is_not_a_password_change(p):
    raw = issue()["token"]
    # check_password re-hashes with the preferred hasher when it differs: that must not revoke anything.
    with override_settings(
        PASSWORD_HASHERS=[
            "django.contrib.auth.hashers.Argon2PasswordHasher",
            "django.contrib.auth.hashers.MD5PasswordHasher",
        ]
    ):
        assert p.center.check_password(PASSWORD)
    assert me(raw) == 200


@pytest.mark.django_db
def test_deactivation_revokes_and_reactivation_does_not_revive(p):
    raw = issue()["token"]
    p.center.is_active = False
    p.center.save()
    p.center.is_active = True
    p.center.save()
    assert me(raw) == 401


@pytest.mark.django_db
def test_a_lockout_revokes_every_token(p):
    raw = issue()["token"]
    for _ in range(settings.LOGIN_MAX_FAILURES):
        Client().post(
            "/api/v1/auth/token", {"username": "center", "password": "wrong"}, content_type="application/json"
        )
    assert me(raw) == 401


@pytest.mark.django_db
def test_the_worker_purges_expired_tokens(p):
    from wuyou.orgs.tokens import purge_expired

    issue()
    assert purge_expired(timezone.now() + timedelta(days=settings.API_TOKEN_DAYS + 1)) == {
        "api_tokens_expired": 1
    }
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_a_recovery_code_through_the_api_is_used_up_and_recorded(p):
    import time

    import pyotp

    from wuyou.accounts import twofactor

    secret = twofactor.new_secret()
    codes = twofactor.enroll(p.center, secret, pyotp.TOTP(secret).at(time.time() - 30))
    assert issue(otp=codes[0])["token"]
    used = AuditRecord.objects.filter(action="auth.recovery_code_used")
    assert used.count() == 1 and used.get().note.startswith("api")
    r = Client().post(
        "/api/v1/auth/token",
        {"username": "center", "password": PASSWORD, "otp": codes[0]},
        content_type="application/json",
    )
    assert r.status_code == 401 and r.json()["code"] == "otp_invalid"


@pytest.mark.django_db
def test_an_initial_password_gets_no_token_until_changed_on_the_pages(p):
    from wuyou.accounts import passwords

    passwords.require_change(p.center)
    r = Client().post(
        "/api/v1/auth/token", {"username": "center", "password": PASSWORD}, content_type="application/json"
    )
    assert r.status_code == 401 and r.json()["code"] == "password_change_required"
    assert not ApiToken.objects.filter(user=p.center).exists()


@pytest.mark.django_db
@override_settings(API_TOKEN_MAX_LIVE=1)
def test_retiring_a_token_at_the_cap_is_audited(p):
    issue()
    issue()
    assert AuditRecord.objects.filter(action="auth.tokens_revoked", note="cap: 1").count() == 1


@pytest.mark.django_db
def test_a_password_changed_while_the_login_was_checked_gets_no_token(p, monkeypatch):
    # The password check passes, then the password changes before the token is issued.
    from django.contrib.auth import authenticate as real_authenticate

    from wuyou.orgs import api as orgs_api
    from wuyou.orgs.models import User

    def authenticate_then_change(request, **credentials):
        user = real_authenticate(request, **credentials)
        other = User.objects.get(pk=user.pk)
        other.set_password("Changed-Meanwhile-2026")
        other.save()
        return user

    monkeypatch.setattr(orgs_api, "authenticate", authenticate_then_change)
    r = Client().post(
        "/api/v1/auth/token", {"username": "center", "password": PASSWORD}, content_type="application/json"
    )
    assert r.status_code == 401
    assert not ApiToken.objects.filter(user=p.center).exists()

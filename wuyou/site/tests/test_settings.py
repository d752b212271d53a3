"""Production settings: no default secret, and Django's deployment checks pass."""

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[3]


def manage(*args, **env):
    clean = {
        k: v for k, v in os.environ.items() if k not in ("WUYOU_TESTING", "WUYOU_DEMO", "DEBUG", "SECRET_KEY")
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_secret_key():
    result = manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_check_deploy_is_clean_in_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-9f8e7d",
        ALLOWED_HOSTS="wuyou.example.gov.cn",
        WUYOU_REPORT_KEY=Fernet.generate_key().decode(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_english_is_available(client, db):
    from wuyou.testing import build_personas

    p = build_personas()
    c = p.client(p.handler)
    assert "部门收件箱" in c.get("/notifications/").content.decode()
    c.post("/i18n/setlang/", {"language": "en", "next": "/notifications/"})
    page = c.get("/notifications/").content.decode()
    assert "Department inbox" in page and "Sign out" in page


def test_browser_language_does_not_switch_the_ui(db):
    from wuyou.testing import build_personas

    p = build_personas()
    c = p.client(p.handler)
    page = c.get("/notifications/", headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert "部门收件箱" in page


def test_report_handling_link_only_for_investigators(db):
    from django.contrib.auth.models import Permission

    from wuyou.testing import build_personas

    p = build_personas()
    assert "举报办理" not in p.client(p.center).get("/notifications/").content.decode()
    p.center.user_permissions.add(Permission.objects.get(codename="investigate_report"))
    assert "举报办理" in p.client(p.center).get("/notifications/").content.decode()

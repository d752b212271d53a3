"""Secrets never reach a log line (issue 9, item 8): query values, Authorization, cookies; in Django's records
through the settings' console handler and in gunicorn's access log through gunicorn.conf.py (a real run)."""

import io
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from wuyou.core.logscrub import SecretScrubFilter, scrub

PROJECT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "GET /api/v1/reports/track?tracking_code=NL1&secret=abc HTTP/1.1",
            "tracking_code=***&secret=*** HTTP",
        ),
        ('"GET /x?SECRET=abc&page=2 HTTP/1.1" 200 5', "SECRET=***&page=2"),
        (
            "/x?accessToken=t1&authToken=t2&passcode=p&jwt=j&page=3",
            "accessToken=***&authToken=***&passcode=***&jwt=***&page=3",
        ),
        ("/x?Password=pw&passwd=p2&otp=123456&api_key=k&access_token=t", "Password=***&passwd=***&otp=***"),
        ("/x?key=k&signature=s&sessionid=s1&csrfmiddlewaretoken=c", "key=***&signature=***&sessionid=***"),
        (
            "/x?X-Amz-Signature=ff&tracking_secret=q&password2=z",
            "X-Amz-Signature=***&tracking_secret=***&password2=***",
        ),
        ("/login/?next=/x%3Fsecret%3Dabc%26page%3D2", "next=/x%3Fsecret%3D***%26page%3D2"),
        ("/login/?next=%252Fx%253Ftoken%253Dabc%2526a%253D1", "token%253D***%2526a%253D1"),
        ("/x?s%65cret=abc", "s%65cret=***"),
        ("/x?secret=ab%26cd&page=3", "secret=***&page=3"),
        ("Authorization: Bearer 4f2a9c7d1e", "Authorization: ***"),
        ("sent Bearer 4f2a9c7d1e0b to", "sent Bearer *** to"),
        ("Basic dXNlcjpwYXNzd29yZA==", "Basic ***"),
        ("Cookie: sessionid=abc; csrftoken=def", "sessionid=***; csrftoken=***"),
    ],
)
def test_secret_values_are_masked(text, expected):
    out = scrub(text)
    assert expected in out
    for secret in ("abc", "4f2a9c7d1e", "dXNlcjpw", "pw&", "123456", "=ff", "=q&", "=z", "ab%26cd"):
        if secret in text and secret not in expected:
            assert secret not in out, (text, out)


@pytest.mark.parametrize(
    "text",
    [
        "GET /appeals/?page=2&status=dispatched HTTP/1.1",
        "/negative-list/?q=吃拿卡要&domain=C1",
        "/x?postcode=412000&keyword=停电&monkey=1",
        "Not Found: /appeals/99/",
        "token issued for user ent; Basic information updated",
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert scrub(text) == text


def record(msg, args, name="django.server"):
    return logging.LogRecord(name, logging.INFO, __file__, 1, msg, args, None)


def test_filter_rewrites_message_and_arguments():
    f = SecretScrubFilter()
    r = record('"%s" %s %s', ("GET /x?secret=abc HTTP/1.1", "404", "179"))
    assert f.filter(r) is True
    assert r.getMessage() == '"GET /x?secret=*** HTTP/1.1" 404 179'

    class Req:  # an object whose str() shows a URL, as WSGIRequest's does
        def __str__(self):
            return "<WSGIRequest: GET '/x?token=abc'>"

    r = record("bad request %s", (Req(),), name="django.request")
    f.filter(r)
    assert r.getMessage() == "bad request <WSGIRequest: GET '/x?token=***'>"


def test_filter_masks_gunicorn_header_atoms():
    # gunicorn logs with a dict of atoms, {name}i per request header, {name}e per environ variable.
    atoms = {
        "r": "GET /x?otp=123456 HTTP/1.1",
        "{authorization}i": "Bearer 4f2a9c7d1e",
        "{http_authorization}e": "Token 4f2a9c7d1e",
        "{cookie}i": "sessionid=zzz",
        "a": "curl/8",
    }
    r = record(
        '"%(r)s" %({authorization}i)s %({http_authorization}e)s %({cookie}i)s %(a)s', atoms, "gunicorn.access"
    )
    SecretScrubFilter().filter(r)
    assert r.getMessage() == '"GET /x?otp=*** HTTP/1.1" *** *** *** curl/8'


def test_traceback_text_is_scrubbed():
    try:
        raise ValueError("could not fetch https://example.org/cb?code=abc123")
    except ValueError:
        import sys as _sys

        r = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), _sys.exc_info())
    SecretScrubFilter().filter(r)
    assert "abc123" not in r.exc_text and "code=***" in r.exc_text


def test_a_bad_record_still_logs():
    r = record("%s %s", ("only one",))
    assert SecretScrubFilter().filter(r) is True


def test_settings_attach_the_filter_to_every_console_handler():
    for name in ("", "django.server", "django.request", "django.security", "wuyou"):
        # The settings' handlers (pytest adds its own capturing ones, of other classes).
        handlers = settings_handlers(name)
        assert handlers, name
        for handler in handlers:
            assert any(isinstance(f, SecretScrubFilter) for f in handler.filters), (name, handler)


def settings_handlers(name):
    logger, handlers = logging.getLogger(name), []
    while logger is not None:
        handlers += [h for h in logger.handlers if type(h) is logging.StreamHandler]
        logger = logger.parent if logger.propagate else None
    return handlers


@contextmanager
def captured(name):
    """What the settings' console handlers for logger ``name`` write."""
    buffer, handlers = io.StringIO(), settings_handlers(name)
    old = [h.setStream(buffer) for h in handlers]
    try:
        yield buffer
    finally:
        for h, stream in zip(handlers, old, strict=True):
            h.setStream(stream)


def test_django_request_lines_are_scrubbed_in_the_log():
    # django.server is what runserver (the demo) logs each request with; its records carry the request line.
    from django.core.servers.basehttp import WSGIRequestHandler

    class Handler(WSGIRequestHandler):
        def __init__(self):
            self.requestline = "GET /negative-list/track/?secret=abc HTTP/1.1"
            self.client_address = ("127.0.0.1", 1)
            self.request_version = "HTTP/1.1"
            self.command = "GET"
            self.path = "/negative-list/track/?secret=abc"
            self.request = None

    with captured("django.server") as out:
        Handler().log_request(200, 512)
    assert '"GET /negative-list/track/?secret=*** HTTP/1.1" 200 512' in out.getvalue()
    assert "abc" not in out.getvalue()
    with captured("django.request") as out:
        logging.getLogger("django.request").error("Not Found: %s", "/x?access_token=abc")
        logging.getLogger("django.security").error("Bad header Authorization: Bearer 4f2a9c7d1e")
    assert "Not Found: /x?access_token=***" in out.getvalue()
    assert "Authorization: ***" in out.getvalue()
    assert "abc" not in out.getvalue() and "4f2a9c7d1e" not in out.getvalue()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def gunicorn_server(tmp_path_factory):
    """The repository's gunicorn.conf.py serving the app, access log on stdout (as `./run serve` does)."""
    port = free_port()
    log = tmp_path_factory.mktemp("gunicorn") / "out.log"
    env = {**os.environ, "WUYOU_TESTING": "1", "ALLOWED_HOSTS": "127.0.0.1", "WEB_CONCURRENCY": "1"}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "wuyou.wsgi:application",
                "--config",
                str(PROJECT / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                "-",
                "--no-control-socket",
            ],
            cwd=PROJECT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/static/wuyou/wuyou.css", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"gunicorn exited: {log.read_text()}")
                time.sleep(0.1)
        yield base, log
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def fetch(url, headers=None):
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, resp.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers


def read_log(log, needle, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text()
        if needle in text:
            return text
        time.sleep(0.05)
    return log.read_text()


def test_gunicorn_access_log_has_no_secret(gunicorn_server):
    base, log = gunicorn_server
    fetch(
        f"{base}/static/wuyou/wuyou.css?secret=abc&page=2&marker=one",
        {"Authorization": "Bearer 4f2a9c7d1e", "Referer": f"{base}/x?token=zzz"},
    )
    fetch(f"{base}/login/?next=%2Fx%3Fpassword%3Dpw1%26a%3D1&marker=two")
    text = read_log(log, "marker=two")
    lines = [line for line in text.splitlines() if "marker=" in line]
    assert len(lines) == 2, text
    assert "secret=***&page=2" in lines[0] and "token=***" in lines[0]
    assert "password%3D***%26a" in lines[1]
    for secret in ("secret=abc", "zzz", "4f2a9c7d1e", "pw1"):
        assert secret not in text


def test_gunicorn_sends_no_server_banner(gunicorn_server):
    base, _ = gunicorn_server
    status, headers = fetch(f"{base}/login/")
    assert status == 200
    assert "Server" not in headers, headers["Server"]
    assert "no-store" in headers["Cache-Control"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]

"""Sessions end after an idle time (30 minutes for staff, 2 hours for enterprise users) and 12 hours
after login whatever the activity (wuyou.accounts.sessions)."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wuyou.accounts import sessions

START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
PAGE = "/notifications/"
IDLE_MESSAGE = "您已长时间未操作，为了安全已退出，请重新登录"
ABSOLUTE_MESSAGE = "登录已超过 12 小时，请重新登录"


def signed_in(p, user):
    c = p.client(user)
    assert c.get(PAGE).status_code == 200
    return c


def sent_to_login(response, next_url=PAGE):
    return response.status_code == 302 and response["Location"] == f"{reverse('login')}?next={next_url}"


@pytest.mark.django_db
def test_staff_session_ends_after_30_idle_minutes(p):
    with time_machine.travel(START, tick=False) as clock:
        c = signed_in(p, p.center)
        clock.shift(25 * 60)
        assert c.get(PAGE).status_code == 200  # activity: the idle time starts again
        clock.shift(25 * 60)
        assert c.get(PAGE).status_code == 200  # 50 minutes since login, 25 idle
        clock.shift(30 * 60 + 1)
        r = c.get(PAGE)
        assert sent_to_login(r)
        login_page = c.get(r["Location"])
        assert IDLE_MESSAGE in login_page.content.decode()
        assert not login_page.wsgi_request.user.is_authenticated
        assert sent_to_login(c.get(PAGE))  # logged out for good, not just redirected once


@pytest.mark.django_db
def test_enterprise_users_get_a_longer_idle_time(p):
    with time_machine.travel(START, tick=False) as clock:
        ent, staff = signed_in(p, p.ent_user), signed_in(p, p.handler)
        clock.shift(31 * 60)
        assert ent.get(PAGE).status_code == 200
        assert sent_to_login(staff.get(PAGE))
        clock.shift(2 * 3600 + 1)
        assert sent_to_login(ent.get(PAGE))


@pytest.mark.django_db
def test_session_ends_12_hours_after_login_however_active(p):
    with time_machine.travel(START, tick=False) as clock:
        c = signed_in(p, p.center)
        for _ in range(12 * 3):  # a request every 20 minutes, for 12 hours
            clock.shift(20 * 60)
            assert c.get(PAGE).status_code == 200
        clock.shift(20 * 60)
        r = c.get(PAGE)
        assert sent_to_login(r)
        assert ABSOLUTE_MESSAGE in c.get(r["Location"]).content.decode()


@pytest.mark.django_db
def test_the_cookie_lives_no_longer_than_the_absolute_lifetime(p, client, settings):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600


def session_writes(queries) -> int:
    return sum(
        1
        for q in queries
        if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    )


@pytest.mark.django_db
def test_last_activity_is_written_at_most_once_a_minute(p):
    with time_machine.travel(START, tick=False) as clock:
        c = signed_in(p, p.center)
        with CaptureQueriesContext(connection) as within_a_minute:
            for _ in range(5):
                clock.shift(10)
                assert c.get(PAGE).status_code == 200
        assert session_writes(within_a_minute.captured_queries) == 0  # 50 s of requests: no session save
        clock.shift(20)
        with CaptureQueriesContext(connection) as after_a_minute:
            for _ in range(3):
                assert c.get(PAGE).status_code == 200
        assert session_writes(after_a_minute.captured_queries) == 1  # one save, then none again
        assert c.session[sessions.LAST_SEEN] == int(START.timestamp()) + 70


@pytest.mark.django_db
def test_htmx_requests_get_hx_redirect_to_the_login_page(p):
    with time_machine.travel(START, tick=False) as clock:
        c = signed_in(p, p.center)
        clock.shift(31 * 60)
        r = c.post(
            f"/notifications/{999}/read/",
            headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/notifications/?page=2"},
        )
        assert r.status_code == 200 and "Location" not in r
        assert r["HX-Redirect"] == f"{reverse('login')}?next=/notifications/%3Fpage%3D2"
        assert sent_to_login(c.get(PAGE))


@pytest.mark.django_db
def test_api_with_a_token_is_not_affected_and_an_expired_session_gets_401(p):
    with time_machine.travel(START, tick=False) as clock:
        token_client = p.api(p.center)
        session_client = signed_in(p, p.center)
        assert session_client.get("/api/v1/me").status_code == 200
        clock.shift(31 * 60)
        r = session_client.get("/api/v1/me")
        # The session is over; the API gives its own answer, not a redirect to an HTML page.
        assert r.status_code == 401 and "Location" not in r
        clock.shift(13 * 3600)
        assert token_client.get("/api/v1/me").status_code == 200  # no session: no idle time, no lifetime

import pytest

from wuyou.orgs.models import ApiToken

pytestmark = pytest.mark.django_db

URL = "/api/v1/calendar"


@pytest.fixture
def client_in(client, make_user):
    client.force_login(make_user("dept_handler"))
    return client


def test_add_workdays_worked_example(client_in):
    res = client_in.get(f"{URL}/add-workdays", {"start": "2026-09-30", "days": 5})
    assert res.status_code == 200
    assert res.json() == {"start": "2026-09-30", "days": 5, "date": "2026-10-13", "estimated": False}


def test_add_workdays_into_estimated_year(client_in):
    res = client_in.get(f"{URL}/add-workdays", {"start": "2026-12-30", "days": 3})
    assert res.json() == {"start": "2026-12-30", "days": 3, "date": "2027-01-05", "estimated": True}
    res = client_in.get(f"{URL}/add-workdays", {"start": "2100-12-31", "days": 3650})
    assert res.status_code == 200 and res.json()["estimated"] is True


@pytest.mark.parametrize("days", [-1, 3651])
def test_add_workdays_out_of_range(client_in, days):
    res = client_in.get(f"{URL}/add-workdays", {"start": "2026-09-30", "days": days})
    assert res.status_code == 400
    assert res.json()["code"] == "invalid_input" and "0 至 3650" in res.json()["message"]


def test_add_workdays_bad_date(client_in):
    res = client_in.get(f"{URL}/add-workdays", {"start": "2026-02-30", "days": 1})
    assert res.status_code == 422 and res.json()["code"] == "validation_error"
    res = client_in.get(f"{URL}/add-workdays", {"start": "1999-01-01", "days": 1})
    assert res.status_code == 400


def test_year_official(client_in):
    res = client_in.get(f"{URL}/2026")
    body = res.json()
    assert res.status_code == 200 and body["year"] == 2026 and body["source"] == "official"
    days = {d["date"]: d for d in body["days"]}
    assert days["2026-10-10"]["is_workday"] is True and days["2026-10-10"]["source"] == "official"
    assert days["2026-10-01"] == {
        "date": "2026-10-01",
        "is_workday": False,
        "name": "国庆节",
        "source": "official",
    }
    assert "2026-10-12" not in days


def test_year_estimated(client_in):
    body = client_in.get(f"{URL}/2027").json()
    assert body["source"] == "estimated"
    days = {d["date"]: d for d in body["days"]}
    assert days["2027-02-06"] == {
        "date": "2027-02-06",
        "is_workday": False,
        "name": "春节",
        "source": "estimated",
    }
    assert all(not d["is_workday"] for d in body["days"])


@pytest.mark.parametrize("year", [2003, 2101])
def test_year_out_of_range(client_in, year):
    res = client_in.get(f"{URL}/{year}")
    assert res.status_code == 404 and res.json()["code"] == "not_found"


def test_anonymous_gets_401(client):
    assert client.get(f"{URL}/add-workdays", {"start": "2026-09-30", "days": 5}).status_code == 401
    assert client.get(f"{URL}/2026").status_code == 401


def test_bearer_token(client, make_user):
    token = ApiToken.issue(make_user("enterprise"))
    res = client.get(f"{URL}/2027", headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 200 and res.json()["year"] == 2027
